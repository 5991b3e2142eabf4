"""A thread that dies of an exception, then the main thread goes on."""
import threading


def work(n):
    items = list(range(n))
    return items[n]  # @thread_raise


t = threading.Thread(target=work, args=(3,), name="doomed")
t.start()
t.join()
print("main goes on", flush=True)
