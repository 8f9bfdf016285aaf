"""evac: software for running a noncombatant evacuation."""

__version__ = "0.1.0"
