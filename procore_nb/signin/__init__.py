"""Sign-in for people: the ``login()`` cascade, the terminal flow and the login widget.

``_login`` is the cascade (cached token, service account, then a person signs in) and
the texts every flow shows; ``_terminal`` asks for the code at a prompt (and holds the
``procore-nb login|whoami|logout`` commands); ``_widget`` is the notebook cell;
``_notebook`` says whether we run in a Jupyter kernel.

May import: :mod:`procore_nb.api`, :mod:`procore_nb.frames` and the shared modules.
"""
