"""Services: every write of the Django side goes through a function here.

Views, consumers, tasks and commands parse input, authorise, call one service and return.
Side effects that other processes can observe (events on the channel layer, run dispatch)
are scheduled with ``transaction.on_commit`` so nobody sees a write that is rolled back.
"""
