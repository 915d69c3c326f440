"""kubectl's output: tables (`get`), describe, and -o yaml|json|name|jsonpath|custom-columns.

Each module mirrors the Go code it stands for, so a difference from real kubectl is a bug to fix here:
age.py (duration.HumanDuration), tabwriter.py (text/tabwriter), yamlout.py (go-yaml v2 emitter),
output.py (printers for -o), jsonpath.py (client-go jsonpath), tables.py (printers.go table columns),
describe.py (kubectl's describers).
"""
