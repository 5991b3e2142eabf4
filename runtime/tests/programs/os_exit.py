import atexit
import os
import sys

atexit.register(print, "atexit must not run")
print("bye", flush=True)
sys.stderr.write("err\n")
sys.stderr.flush()
os._exit(3)
