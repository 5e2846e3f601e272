"""三重保障助手: the settlement core and its knowledge (no UI code lives here)."""
