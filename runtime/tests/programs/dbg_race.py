"""Four threads reach the same breakpoint line at once."""
import threading

barrier = threading.Barrier(4)
hits = []


def racer(i):
    barrier.wait()
    hits.append(i)  # @race


threads = [threading.Thread(target=racer, args=(i,), name="racer-%d" % i) for i in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("hits", len(hits), flush=True)
