#!/usr/bin/env python3
"""Prints 'N passed, N failed, N skipped' over every test report of the build; exits 1 on failures or zero tests."""
import glob
import sys
import xml.etree.ElementTree as ET

passed = failed = skipped = 0
it_tests = 0
for path in glob.glob("**/target/*-reports/TEST-*.xml", recursive=True):
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    for s in suites:
        tests, fail = int(s.get("tests", 0)), int(s.get("failures", 0)) + int(s.get("errors", 0))
        skip = int(s.get("skipped", 0))
        passed += tests - fail - skip
        failed += fail
        skipped += skip
        if path.startswith("distro/"):
            it_tests += tests
print(f"{passed} passed, {failed} failed, {skipped} skipped")
if passed + failed == 0:
    print("no test ran", file=sys.stderr)
    sys.exit(1)
if it_tests == 0:
    print("the OSGi integration tests (distro) ran zero tests", file=sys.stderr)
    sys.exit(1)
sys.exit(1 if failed else 0)
