## tests/: unit tests (cmocka), integration tests against egov-sim, and
## end-to-end tests of the console in a terminal emulator.  Components add
## their own tests to TESTS in their local.mk or here.
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-vntext tests/unit/test-workdays
TESTS += tests/unit/test-vntext tests/unit/test-workdays
endif
tests_unit_test_vntext_SOURCES = tests/unit/test-vntext.c
tests_unit_test_vntext_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_vntext_LDADD = $(EGOV_COMMON_LIBS) $(CMOCKA_LIBS)
tests_unit_test_workdays_SOURCES = tests/unit/test-workdays.c
tests_unit_test_workdays_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_workdays_LDADD = $(EGOV_COMMON_LIBS) $(CMOCKA_LIBS)
