"""The scheduler: picks a compute host for each instance of a build."""
