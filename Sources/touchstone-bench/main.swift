// touchstone-bench: release-build benchmarks that print ratios against a baseline measured in the same run.
print("touchstone-bench: no benchmarks yet")
