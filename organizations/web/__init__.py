"""Pages of the kernel: the base classes every app's pages use (base.py), the tree, imports, policies, jobs and notifications."""
