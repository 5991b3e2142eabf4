def inner(x):
    return 1 / x


def outer():
    try:
        inner(0)
    except ZeroDivisionError as exc:
        raise ValueError("wrapped") from exc


print("about to fail")
outer()
