"""A worker thread keeps running Python while the main thread stops at a breakpoint."""
import threading
import time

stop = False
started = threading.Event()


def work():
    n = 0
    while not stop:
        n += 1  # @thread_loop
        started.set()
        time.sleep(0.001)


t = threading.Thread(target=work, name="cruncher")
t.start()
started.wait()
x = 1  # @main_bp
stop = True
t.join()
print("done", flush=True)
