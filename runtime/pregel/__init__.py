"""The execution engine: super-step algorithm, loop, tasks and the compiled graph."""
