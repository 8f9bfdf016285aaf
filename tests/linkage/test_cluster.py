"""Which households the family pass compares (`cluster.family_keys`)."""

from evac.linkage.cluster import _differ, family_keys


def test_households_one_person_links_share_a_key_and_chains_do_not():
    # Records 0-1 in household A, 2-3 in B, 4 in C, 5 with none; persons: {0, 2}, {3, 4}.
    households = ["A", "A", "B", "B", "C", None]
    roots = [0, 1, 0, 3, 3, 5]
    keys = family_keys(households, roots)
    assert keys == [["A|B"], ["A|B"], ["A|B", "B|C"], ["A|B", "B|C"], ["B|C"], None]


def test_no_key_without_a_link_between_two_households():
    assert family_keys(["A", "A", "B"], [0, 0, 2]) == [None, None, None]
    assert family_keys([None, None], [0, 0]) == [None, None]


def test_a_paper_tazkira_and_an_e_tazkira_are_two_documents_not_a_difference():
    assert not _differ({"74/146/2401"}, {"1400-0101-12345"})  # one person may hold both
    assert _differ({"1400-0101-12345"}, {"1399-0707-55555"})  # two e-tazkiras: two people
    assert _differ({"74/146/2401"}, {"12/3/999"})
    assert not _differ({"74/146/2401", "1400-0101-12345"}, {"1400-0101-12354"})  # a slip
    assert _differ({"74/146/2401", "1400-0101-12345"}, {"2401", "1399-0707-55555"})
