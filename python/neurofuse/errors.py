"""The exceptions neurofuse raises. Every failure of the compiler or the
runtime arrives as one of these, with the runtime's message; none aborts the
interpreter, and a failed load, assignment or run changes nothing it has not
said it changed."""


class NeurofuseError(Exception):
    """The base of neurofuse's errors."""


class ModelError(NeurofuseError):
    """Model text that does not compile: the message is the CLI's (file:line:col,
    the source line and a caret); .file, .line and .column locate the first
    problem (empty and 0 when it has no place)."""

    def __init__(self, message, file="", line=0, column=0):
        super().__init__(message)
        self.file = file
        self.line = line
        self.column = column


class StateError(NeurofuseError, ValueError):
    """A state or module used in a way it cannot be: an unknown name, a shape
    or dtype that does not fit, a wired compartment written, a bad record."""


class IOError(NeurofuseError, OSError):  # noqa: A001 - the name users expect
    """A file that cannot be read or written, or is not what it should be
    (a checkpoint, a .npy, a compiled module)."""
