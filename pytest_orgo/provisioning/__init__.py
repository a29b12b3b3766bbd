"""Getting computers and giving them back, for :class:`pytest_orgo.run.OrgoRun`.

:mod:`.provisioner` creates, waits for and deletes computers and workspaces (and keeps
the :class:`~.provisioner.Registry` of what is alive, and the cross-process slots);
:mod:`.pool` hands them out (warm pool, slots, spending guard); :mod:`.budget` is the
spending guard; :mod:`.scope` shares one computer by class, module or session;
:mod:`.fake_api` provisions on the bundled fake in process.
"""
