import sys

print("pkgmod main", __name__, sys.argv[1:])
if "--fail" in sys.argv:
    raise SystemError("module failed")
