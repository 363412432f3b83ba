"""What the harness's unit tests share: the project's top directory, the
tools/kml package on sys.path, and tools/kmlvm loaded as a module (it is a
script without a .py name, so a plain import cannot find it).

    from kmlvm_module import TOP, kmlvm, qemu

unittest's discovery (-s tests/harness) puts this directory on sys.path.
"""
import importlib.machinery
import importlib.util
import os
import sys

TOP = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "../.."))
sys.path.insert(0, os.path.join(TOP, "tools"))
from kml import qemu  # noqa: E402,F401


def load(name, path):
    """The file PATH (relative to TOP) loaded as a module named NAME."""
    loader = importlib.machinery.SourceFileLoader(name, os.path.join(TOP, path))
    spec = importlib.util.spec_from_loader(name, loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


kmlvm = load("kmlvm", "tools/kmlvm")
