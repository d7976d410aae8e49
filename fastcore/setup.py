"""Build yibao's compiled batch core (Cython → C), optionally.

The extension is marked ``optional``: where no C compiler is found the build goes on
without it, ``yibao_fastcore.core`` stays ``None``, and yibao batch settles every case
with its pure-Python fast path, which writes the same bytes.
"""

from setuptools import Extension, setup

try:
    from Cython.Build import cythonize
except ImportError:  # Cython is a build requirement; without it there is nothing to build
    ext_modules = []
else:
    ext_modules = cythonize(
        [Extension("yibao_fastcore._core", ["src/yibao_fastcore/_core.pyx"])],
        language_level=3,
        compiler_directives={
            "boundscheck": False,
            "wraparound": False,
            "cdivision": True,
            "initializedcheck": False,
        },
    )
    for extension in ext_modules:  # cythonize does not carry the flag over
        extension.optional = True  # no compiler: installed without it

setup(ext_modules=ext_modules)
