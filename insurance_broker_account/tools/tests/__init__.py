# Unit tests of the pure Python tools, without Odoo nor a database: run by
# `make test` (scripts/odoo.sh), or by hand from the repository's root:
#   .venv/bin/python -m unittest discover -t insurance_broker_account \
#       -s insurance_broker_account/tools/tests
# Odoo's test runner collects <addon>/tests only: these are not run twice.
