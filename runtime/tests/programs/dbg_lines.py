"""Lines for breakpoint verification."""
# a comment


def f():
    # inside
    x = 1

    return x
# trailing comment
