"""The eligibility policy: a YAML file, validated with errors that name the line."""

import yaml


def test_yaml_marks_lines():
    node = yaml.compose("categories:\n  us_citizen: {}\n")
    assert node.value[0][1].start_mark.line == 1
