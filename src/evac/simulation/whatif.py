"""Variants of a scenario for what-if runs: more or fewer sorties, hub beds and gate rates, no
call-forward windows, a gate closed at a given time."""

from dataclasses import dataclass, replace
from datetime import UTC, datetime

import numpy as np

from evac.simulation.model import Scenario, Sortie


@dataclass(frozen=True)
class Variant:
    sorties_factor: float = 1.0
    extra_sorties: int = 0
    hub_beds_factor: float = 1.0
    gate_rate_factor: float = 1.0
    call_forward: bool = True
    close_gates: tuple[tuple[str, datetime], ...] = ()  # (gate, from when on)

    def describe(self) -> str:
        parts = []
        if self.sorties_factor != 1:
            parts.append(f"sorties x{self.sorties_factor:g}")
        if self.extra_sorties:
            parts.append(f"{self.extra_sorties:+d} sorties")
        if self.hub_beds_factor != 1:
            parts.append(f"hub beds x{self.hub_beds_factor:g}")
        if self.gate_rate_factor != 1:
            parts.append(f"gate rates x{self.gate_rate_factor:g}")
        if not self.call_forward:
            parts.append("no call-forward windows")
        parts += [
            f"{gate} closed from {when:%Y-%m-%d %H:%M} UTC" for gate, when in self.close_gates
        ]
        return ", ".join(parts) or "baseline"


def parse_close_gate(text: str) -> tuple[str, datetime]:
    """`NAME@ISO-TIME` (UTC when the time has no zone)."""
    name, separator, moment = text.rpartition("@")
    if not separator or not name:
        raise ValueError(f"{text!r}: expected GATE@ISO-TIME, e.g. 'Abbey Gate@2021-08-26T13:18'")
    when = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    return name, when if when.tzinfo else when.replace(tzinfo=UTC)


def apply(scenario: Scenario, variant: Variant) -> Scenario:
    """The scenario changed as the variant says."""
    hours_at = {
        name: (when - scenario.start).total_seconds() / 3600 for name, when in variant.close_gates
    }
    unknown = set(hours_at) - {gate.name for gate in scenario.gates}
    if unknown:
        raise ValueError(f"no gate named {', '.join(sorted(unknown))} in {scenario.name}")
    gates = tuple(
        replace(
            gate,
            rate_per_hour=gate.rate_per_hour * variant.gate_rate_factor,
            closed=(*gate.closed, (max(0.0, hours_at[gate.name]), scenario.hours))
            if gate.name in hours_at
            else gate.closed,
        )
        for gate in scenario.gates
    )
    hubs = tuple(
        replace(hub, beds=None if hub.beds is None else round(hub.beds * variant.hub_beds_factor))
        for hub in scenario.hubs
    )
    processing = replace(
        scenario.processing,
        ecc_per_hour=scenario.processing.ecc_per_hour * variant.gate_rate_factor,
    )
    extra = round((variant.sorties_factor - 1) * len(scenario.sorties)) + variant.extra_sorties
    return replace(
        scenario,
        gates=gates,
        hubs=hubs,
        processing=processing,
        sorties=resized(scenario.sorties, extra),
        call_forward=scenario.call_forward and variant.call_forward,
    )


def resized(sorties: tuple[Sortie, ...], extra: int) -> tuple[Sortie, ...]:
    """`extra` more sorties (copies of sorties spread over the list, each leaving half an
    hour after its model), or that many fewer (spread likewise). Copies come last so that the
    original sorties keep their random draws (common random numbers)."""
    if extra == 0 or not sorties:
        return sorties
    picks = np.linspace(0, len(sorties) - 1, abs(extra)).round().astype(int)
    if extra < 0:
        dropped = set(picks.tolist())
        return tuple(s for i, s in enumerate(sorties) if i not in dropped)
    copies = tuple(
        replace(sorties[i], callsign=f"{sorties[i].callsign}+{n}", departs=sorties[i].departs + 0.5)
        for n, i in enumerate(picks)
    )
    return sorties + copies
