# Pure Python, no Odoo: what the models compute from plain values (the money
# arithmetic, the reading of insurers' statement files), unit-tested without a
# database (tests/, run by `make test`, not collected by Odoo's test runner).
