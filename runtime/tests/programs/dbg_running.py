"""Runs until the file named in argv[1] exists; breakpoints are set meanwhile."""
import os
import sys
import time

path = sys.argv[1]


def tick(i):
    return i + 1  # @tick


i = 0
print("ready", flush=True)
while not os.path.exists(path):
    i = tick(i)
    time.sleep(0.005)  # @module_loop
print("ticks", i > 0, flush=True)
