"""Prints what a script sees of how it was started, as JSON."""
import json
import os
import sys

g = dict(globals())
print(json.dumps({
    "name": __name__,
    "file": __file__,
    "argv": sys.argv,
    "orig_argv": sys.orig_argv[1:],
    "path0": sys.path[0],
    "cwd": os.getcwd(),
    "globals": [k for k in g if k not in ("json", "os", "sys")],
    "loader": type(__loader__).__name__,
    "loader_name": __loader__.name,
    "spec": repr(__spec__),
    "package": repr(__package__),
    "cached": repr(g.get("__cached__", "<absent>")),
    "doc": __doc__,
    "main_is_me": sys.modules["__main__"].__dict__ is globals(),
    "token": os.environ.get("ASYNCIO_LENS_TOKEN"),
    "sys_path": sys.path,
    "pythonpath": os.environ.get("PYTHONPATH"),
}, indent=1))
