"""``W = (W * momento) + step`` with ``momento = 1``: the update a course's scripts write, read as ``W = W + step``."""

import ast

from gradcheck.audit.adapters.names import is_param_name, role_of
from gradcheck.audit.unitfactor import without_unit_factors

SCRIPT = """
momento = {factor}
taxa_aprendizagem = 0.5
for epoca in range(3):
    pesos = (pesos * momento) + (entrada.T @ delta * taxa_aprendizagem)
    vies = momento * vies + delta.sum(0) * taxa_aprendizagem
"""


def _rewritten(source: str) -> tuple[str, list[str]]:
    notes: list[str] = []
    stmts = without_unit_factors(ast.parse(source).body, notes)
    return ast.unparse(ast.Module(body=stmts, type_ignores=[])), notes


def test_a_factor_bound_to_one_is_no_factor():
    text, notes = _rewritten(SCRIPT.format(factor="1"))
    assert "pesos = pesos + entrada.T @ delta * taxa_aprendizagem" in text, text
    assert "vies = vies + delta.sum(0) * taxa_aprendizagem" in text, text
    assert notes and "momento" in notes[0] and "5, 6" in notes[0], notes
    assert "pesos = pesos + " in _rewritten(SCRIPT.format(factor="1.0") * 2)[0]  # a notebook cell run twice


def test_any_other_factor_stays():
    for factor in ("0.9", "True", "2 - 1"):  # a real momentum, a bool, an expression: not read
        text, notes = _rewritten(SCRIPT.format(factor=factor))
        assert "pesos * momento" in text and not notes, (factor, text)
    rebound = SCRIPT.format(factor="1") + "    momento = momento * 0.99\n"  # decayed in the loop
    assert "pesos * momento" in _rewritten(rebound)[0]
    in_function = SCRIPT.format(factor="1") + "def decay():\n    global momento\n    momento = 0.5\n"
    assert "pesos * momento" in _rewritten(in_function)[0]


def test_weights_and_rates_named_in_a_courses_language():
    assert all(is_param_name(n) for n in ("pesos", "pesos0", "pesos_oculta", "peso1", "sesgos", "poids"))
    assert not any(is_param_name(n) for n in ("pesosNovos1", "delta_pesos", "dpesos"))
    assert all(role_of(n) == "lr" for n in ("taxa_aprendizagem", "txAprendizagem", "tasa_de_aprendizaje"))
