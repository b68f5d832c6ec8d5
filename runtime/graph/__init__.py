"""Graph building: StateGraph and its schema reading."""
