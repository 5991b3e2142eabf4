import sys

print("héllo wörld ✓ 日本語")
sys.stdout.buffer.write(b"raw \xff\xfe bytes\n")
sys.stdout.flush()
print("to stderr ✗", file=sys.stderr)
