# Insurance broker suite for Odoo 18.0: see README.md
SIZE ?= small
.PHONY: run stop test lint update shell setup pot readme pages book bench

run:    ## set up what is missing, start Odoo on the demo database
	@scripts/odoo.sh run
stop:   ## stop what `make run` started
	@scripts/odoo.sh stop
test:   ## fresh test database, install the suite, run every test
	@scripts/odoo.sh test
lint:   ## pre-commit: ruff, pylint-odoo, OCA checks
	@scripts/odoo.sh lint
update: ## upgrade the suite's addons in the demo database
	@scripts/odoo.sh update
shell:  ## Odoo shell on the demo database
	@scripts/odoo.sh shell
pot:    ## export each addon's i18n/<addon>.pot
	@scripts/odoo.sh pot
readme: ## each addon's README.rst and index.html from its readme/*.md
	@scripts/odoo.sh readme
pages:  ## each document's first page as a PNG in static/description/ (Apps page)
	@scripts/odoo.sh pages
book:   ## a database with a synthetic book: make book SIZE=tiny|small|medium|large|xlarge|N
	@SIZE=$(SIZE) scripts/odoo.sh book
bench:  ## benchmarks on the book of SIZE, results in .run/bench/
	@SIZE=$(SIZE) scripts/odoo.sh bench
setup:  ## only set up (Odoo source, venv, tools, PostgreSQL)
	@scripts/setup.sh
