import sys
print("before exit", flush=True)
sys.exit(3)
