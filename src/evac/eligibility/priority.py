"""Priority: the order of evacuation, from the policy's ordered categories, raised by flags."""

from dataclasses import dataclass

from evac.eligibility.policy import Policy


@dataclass(frozen=True, slots=True)
class Priority:
    level: int  # 1 goes first
    category_level: int
    raised_by: str = ""  # the flag that raised it, if any

    def __str__(self) -> str:
        if not self.raised_by:
            return f"priority {self.level}"
        return f"priority {self.level} (raised from {self.category_level}: {self.raised_by})"


def priority_of(category: str, flags: frozenset[str], policy: Policy) -> Priority:
    """The category's place in the policy's order, raised by the person's strongest flag:
    the largest raise counts, not their sum (a pregnant woman over 65 is not two steps ahead
    of a wounded man), and nothing goes above 1."""
    base = policy.ranks[category]
    raises = [(policy.flags[flag], flag) for flag in sorted(flags) if flag in policy.flags]
    steps, flag = max(raises, default=(0, ""), key=lambda raised: raised[0])
    if steps <= 0 or base == 1:
        return Priority(base, base)
    return Priority(max(1, base - steps), base, flag)
