"""Worker functions and tools for the course "How Python processes share data".

One module per concept, named after it; each module's docstring names the
chapter that teaches it. The notebooks import from here because a child
process started with spawn or forkserver can only run functions it can import.
"""
