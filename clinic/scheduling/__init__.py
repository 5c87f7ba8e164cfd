"""The scheduling engine (design §3, §4.3): places whole infusion series on chairs and nurses.

Plain Python with OR-Tools CP-SAT; no Django. `problem` holds the types and their JSON form, `check`
the independent plan checker, `greedy` the first-fit baseline, `cpsat` the optimising solver.
"""
