# An example workload: what an agent's generated Python might look like.
import statistics, sys

temperatures = [21.5, 23.0, 19.8, 25.1, 22.4]
print(f"mean {statistics.mean(temperatures):.2f}, stdev {statistics.stdev(temperatures):.2f}")
print("python", ".".join(map(str, sys.version_info[:3])), "in a Hyperlight micro-VM")
