"""Simulation: a discrete-event model of the evacuation path (gates, ECC, sorties, hubs), the
Kabul 2021 replay and what-if runs. It reads operations and plans; it never writes them."""
