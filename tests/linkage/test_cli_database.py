"""`evac link run`, `evac link review` and `evac link split` as a user types them."""

from sqlalchemy import select
from typer.testing import CliRunner

from evac.cli import app
from evac.linkage.models import LinkDecision, ReviewItem, Verdict
from evac.people.models import Registration
from tests.intake.test_cli import environment  # the database and key of the test, wide output
from tests.linkage.test_resolution import zaman_twice
from tests.linkage.test_review_web import queued_pair


def test_run_review_and_split_from_the_command_line(settings, session, cipher):
    _, a, b = queued_pair(session, cipher)  # registered and linked once
    session.close()
    runner, env = CliRunner(), environment(settings)

    nothing_new = runner.invoke(app, ["link", "run"], env=env)
    assert nothing_new.exit_code == 0, nothing_new.output
    assert "0 new of 62 registrations" in nothing_new.output

    reviewed = runner.invoke(app, ["link", "review"], env=env,
                             input="d\nfather's names differ on the tazkiras\nq\n")  # fmt: skip
    assert reviewed.exit_code == 0, reviewed.output
    assert "Mohammad Zaman" in reviewed.output and "Recorded." in reviewed.output
    decision = session.scalar(select(LinkDecision))
    assert decision.verdict == Verdict.different
    assert {decision.registration_a_id, decision.registration_b_id} == {a, b}

    person = session.get(Registration, a).person_id
    session.close()
    refused = runner.invoke(app, ["link", "split", str(person), "-r", str(a), "--reason", "x"],
                            env=env)  # fmt: skip
    assert refused.exit_code == 2
    assert "at least one registration" in refused.output


def test_link_run_takes_the_thresholds(settings, session, cipher):
    zaman_twice(session, cipher)  # a pair that the default thresholds queue for review
    session.close()
    runner, env = CliRunner(), environment(settings)
    strict = runner.invoke(app, ["link", "run", "--review-threshold", "0.99"], env=env)
    assert strict.exit_code == 0, strict.output
    assert "0 pairs queued for review" in strict.output
    assert session.scalars(select(ReviewItem)).all() == []
