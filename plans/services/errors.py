"""The error every workflow service raises when a request cannot be carried out; nothing has changed."""


class WorkflowError(Exception):
    """The object is not in a state that allows this action; the message says why, in the active language."""
