"""The verdict of an exercise's self-check: "correct", or "wrong: " and what differs.

A self-check on a page calls `verdict` with a test that raises when the reader's answer is wrong,
typically `torch.testing.assert_close(answer, expected, rtol=..., atol=...)` with a stated
tolerance (never exact float equality), or a plain `assert condition, "what is wrong"`.
"""

from collections.abc import Callable


def verdict(test: Callable[[], object]) -> None:
    """Run `test` and print "correct", or "wrong: " with the reason and the numbers."""
    try:
        test()
    except Exception as error:  # a wrong shape, dtype or type is a wrong answer too
        print(f"wrong: {error}")
    else:
        print("correct")
