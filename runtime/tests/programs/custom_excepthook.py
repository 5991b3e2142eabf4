import sys


def hook(etype, value, tb):
    print("custom hook:", etype.__name__, value, tb.tb_frame.f_code.co_name)


sys.excepthook = hook


def fail():
    raise LookupError("missing")


fail()
