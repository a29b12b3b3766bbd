"""The simulated computer's insides: its disk, its process table and its shell.

Kept free of imports so that each module can be loaded on its own (the host
shell, for one, should cost nothing unless a test opts into it).
"""
