"""The access matrix of the suite, declared once and checked as real users.

A matrix says, for each model, each profile (a group or a realistic
combination of groups) and each operation (read, write, create, unlink),
which of the model's test records the operation may reach:

- ``own``: a record of the user (a policy they manage, their client...);
- ``client``: a record around the user's own clients that is not theirs (a
  colleague's policy of a client the user manages; a client without manager);
- ``other``: a colleague's record, in the user's company;
- ``foreign``: a record of a company the user is not in: never reachable,
  checked in every cell.

Each addon declares the part of the matrix for its models (and, for the
profiles its groups add, for the models of the addons it depends on) in its
own tests, and checks it with ``AccessMatrixMixin.check_matrix``: the test
records of each model come from a *subject* the test class builds, and every
cell is tried through the ORM as a ``new_test_user`` of the profile (ACL and
record rules together), each attempt rolled back.
"""

import logging

from odoo.exceptions import AccessError
from odoo.tests import new_test_user

_logger = logging.getLogger(__name__)

OPERATIONS = ("read", "write", "create", "unlink")

# What an operation may reach.
ALL = frozenset({"own", "client", "other"})
CLIENTS = frozenset({"own", "client"})
OWN = frozenset({"own"})
NONE = frozenset()

_LABELS = {ALL: "allowed", CLIENTS: "own clients", OWN: "own only", NONE: "refused"}


def expect(read, write=NONE, create=NONE, unlink=NONE):
    """A row of the matrix: what each operation may reach."""
    return {"read": read, "write": write, "create": create, "unlink": unlink}


FULL = expect(ALL, ALL, ALL, ALL)
READ_ONLY = expect(ALL)
REFUSED = expect(NONE)


class Subject:
    """The test records of one model for one user.

    ``records``: {kind: record} (created as superuser); ``write_vals``: a
    harmless change; ``create_vals``: {kind: values creating a record of that
    kind}. Kinds absent from a subject (a product has no "client" record) are
    not tried.
    """

    def __init__(self, records, write_vals, create_vals, read_field="display_name"):
        self.records = records
        self.write_vals = write_vals
        self.create_vals = create_vals
        self.read_field = read_field


class _Undo(Exception):
    """Raised to roll an allowed attempt back."""


class AccessMatrixMixin:
    """Checks a declared matrix against what the ORM lets users do.

    The test class sets ``cls.matrix_company`` and ``cls.matrix_other_company``,
    and implements ``_matrix_subject(model, user)``.
    """

    @classmethod
    def _matrix_users(cls, profiles):
        """One user per profile ({name: group xml ids}), of the company only."""
        company = cls.matrix_company
        return {
            name: new_test_user(
                cls.env,
                login=f"matrix_{name}",
                name=f"Matrix {name}",
                groups=",".join(["base.group_user", *groups]),
                company_id=company.id,
                company_ids=company.ids,
            )
            for name, groups in profiles.items()
        }

    def _matrix_subject(self, model, user):
        raise NotImplementedError

    def _attempt(self, operation):
        """Whether ``operation`` passes the access checks; nothing is kept."""
        env = self.env
        try:
            with env.cr.savepoint():
                operation()
                env.flush_all()
                raise _Undo
        except _Undo:
            allowed = True
        except AccessError:
            allowed = False
        env.invalidate_all(flush=False)
        return allowed

    def _try(self, subject, user, model, operation, kind):
        if operation == "create":
            values = subject.create_vals[kind]
            return self._attempt(lambda: self.env[model].with_user(user).create(values))
        record = subject.records[kind].with_user(user)
        if operation == "read":
            return self._attempt(lambda: record.read([subject.read_field]))
        if operation == "write":
            return self._attempt(lambda: record.write(subject.write_vals))
        return self._attempt(record.unlink)

    def check_matrix(self, matrix, users):
        """Try every cell of ``matrix`` ({model: {profile: row}}) as
        ``users`` ({profile: user}); fail with the list of the cells that
        differ. Returns the number of cells checked."""
        cells = attempts = 0
        wrong = []
        for model, rows in matrix.items():
            for profile, row in rows.items():
                user = users[profile]
                subject = self._matrix_subject(model, user)
                self.assertEqual(set(row), set(OPERATIONS), f"{model}/{profile}")
                for operation in OPERATIONS:
                    cells += 1
                    expected = row[operation]
                    kinds = (
                        subject.create_vals
                        if operation == "create"
                        else subject.records
                    )
                    for kind in kinds:
                        attempts += 1
                        allowed = self._try(subject, user, model, operation, kind)
                        if allowed != (kind in expected):
                            wrong.append(
                                f"{profile} {operation} {model} ({kind}): "
                                f"{'allowed' if allowed else 'refused'}, expected "
                                f"{_LABELS.get(expected, sorted(expected))}"
                            )
        _logger.info(
            "Access matrix: %s cells checked (%s attempts as real users), %s wrong",
            cells,
            attempts,
            len(wrong),
        )
        self.assertFalse(wrong, "Access matrix:\n" + "\n".join(wrong))
        return cells
