import atexit

atexit.register(print, "atexit ran")


def handler():
    raise KeyboardInterrupt


print("working")
handler()
