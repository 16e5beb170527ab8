"""What the tests of `data` share."""

from sqlalchemy import event


def statements(engine) -> list[str]:
    """Every statement the engine sends from now on, as the database receives it (a COPY too:
    `data.bulk` tells SQLAlchemy's listeners of it)."""
    sent: list[str] = []
    event.listen(engine, "before_cursor_execute",
                 lambda conn, cursor, statement, *args: sent.append(statement))
    return sent
