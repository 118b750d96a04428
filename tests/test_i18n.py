"""One translation scheme: one lookup (``i18n.t``), one table per language, the same keys in both."""

import ast
import re
import string
from pathlib import Path

import pytest

from symnet.render import i18n
from symnet.render.lang_en import EN
from symnet.render.lang_zh import ZH

PACKAGE = Path(__file__).resolve().parent.parent / "symnet"
CJK = "\u4e00-\u9fff"


def fields(text: str) -> set:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_key_exists_in_both_languages():
    assert set(EN) == set(ZH)
    assert i18n.TABLES == {"en": EN, "zh": ZH} and i18n.LANGUAGES == ("en", "zh")


@pytest.mark.parametrize("key", sorted(EN))
def test_both_languages_fill_the_same_fields(key):
    assert fields(EN[key]) == fields(ZH[key]), key


def test_chinese_prose_uses_chinese_punctuation():
    """ASCII , : ; next to a Chinese character, or ASCII brackets around Chinese words, read wrongly."""
    wrong = re.compile(f"[{CJK}][,:;]|[,:;][{CJK}]|[{CJK}]\\(|\\)[{CJK}]")
    assert [key for key, value in ZH.items() if wrong.search(value)] == []


def test_every_key_the_code_looks_up_exists():
    """Every literal key passed to ``t(…)`` anywhere in symnet is in the tables (a typo fails here)."""
    used = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "t"
                    and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                used.add(node.args[0].value)
    assert len(used) > 100
    assert sorted(used - set(EN)) == []


def test_lookup_fills_fields_and_refuses_unknown_keys_and_languages():
    assert i18n.t("path", "zh", k=3) == "路径 3"
    assert i18n.t("section_towers", "en") == "towers"
    assert i18n.rule("sum rule, product rule", "zh") == "加法法则、乘法法则"
    assert i18n.rule("σ′ = σ(1 − σ)", "zh") == "σ′ = σ(1 − σ)"     # formulas are not translated
    with pytest.raises(KeyError, match="no text named 'pth' in symnet.render.lang_en"):
        i18n.t("pth")
    with pytest.raises(ValueError, match="unknown language 'fr': expected one of en, zh"):
        i18n.t("path", "fr")


# ---- the command line in Chinese: --lang zh, or LANG=zh_* ----------------------------------------

import os  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402

import click  # noqa: E402
from click.testing import CliRunner  # noqa: E402

from symnet.cli import COMMANDS, main  # noqa: E402
from symnet.cli.help_zh import COMMANDS as SUMMARIES_ZH  # noqa: E402
from symnet.cli.help_zh import option_help  # noqa: E402

HAS_CJK = re.compile(f"[{CJK}]")
NO_LANG = {"LC_ALL": "", "LC_MESSAGES": "", "LANG": "C.UTF-8"}


def cli(*args, env=None, input=None):
    return CliRunner().invoke(main, list(args), env={**NO_LANG, **(env or {})}, input=input)


def command_options(name):
    command = main.get_command(click.Context(main), name)
    return [p for p in command.params if isinstance(p, click.Option) and not p.hidden and p.name != "help"]


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_and_option_has_chinese_help(name):
    assert HAS_CJK.search(SUMMARIES_ZH[name])
    missing = [p.name for p in command_options(name) if not option_help(name, p.name)]
    assert missing == [], f"{name}: no Chinese help for {missing}"


@pytest.mark.parametrize("name", sorted(COMMANDS))
@pytest.mark.parametrize("how", ["option", "env"])
def test_help_is_chinese_with_lang_zh_or_lang_env(name, how):
    result = cli(name, "--lang", "zh", "--help") if how == "option" else cli(name, "--help", env={"LANG": "zh_CN.UTF-8"})
    assert result.exit_code == 0, result.output
    assert SUMMARIES_ZH[name] in result.output
    assert option_help(name, "timeout") in result.output and option_help(name, "lang") in result.output
    english = cli(name, "--help")
    assert not HAS_CJK.search(english.output.split("Example")[0].replace("--lang [en|zh]", ""))


def test_group_help_lists_chinese_summaries_and_stays_light():
    result = cli("--lang", "zh", "--help")
    assert result.exit_code == 0 and all(SUMMARIES_ZH[name] in result.output for name in COMMANDS)
    code = ("import sys\nfrom symnet.cli import main\ntry:\n    main(['--lang', 'zh', '--help'])\nexcept SystemExit:\n"
            "    pass\nprint('sympy' in sys.modules, 'numpy' in sys.modules, 'matplotlib' in sys.modules)")
    root = Path(__file__).resolve().parent.parent
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(root)})
    assert proc.stdout.split()[-3:] == ["False", "False", "False"]


def test_lang_before_the_command_and_lang_env_reach_the_command():
    right = ("quiz", "seed", "--wrt", "b5", "--answer", "delta_z5")
    assert "正确" in cli("--lang", "zh", *right).output
    assert "正确" in cli(*right, env={"LANG": "zh_TW.UTF-8"}).output
    assert "Right" in cli(*right, "--lang", "en", env={"LANG": "zh_CN.UTF-8"}).output     # the option wins
    assert "Right" in cli(*right, env={"LANG": "zh_CN.UTF-8", "LC_ALL": "en_US.UTF-8"}).output   # LC_ALL first
    derived = cli("derive", "seed", "--wrt", "b5", env={"LANG": "zh_CN.UTF-8"})
    assert derived.exit_code == 0 and "对 b₅ 求导" in derived.output


def test_messages_in_chinese(tmp_path):
    tower = cli("tower", "--lang", "zh", "-o", str(tmp_path / "t.png"))
    assert tower.exit_code == 0 and f"已写入 {tmp_path / 't.png'}" in tower.output
    bad = cli("quiz", "seed", "--wrt", "b5", "--answer", "x +", "--lang", "zh")
    assert bad.exit_code == 2 and bad.output.startswith("错误：syntax error")
    assert cli("quiz", "seed", "--wrt", "b5", "--answer", "x +").output.startswith("Error: syntax error")


@pytest.fixture
def figure_texts(monkeypatch):
    """The texts of every figure the commands save (titles, axis labels, legends), recorded as they are saved."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.text import Text

    seen, save = [], Figure.savefig

    def record(self, *args, **kwargs):
        seen.append({t.get_text() for t in self.findobj(Text) if t.get_text().strip()})
        return save(self, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", record)
    from symnet.cli import worker     # the figures are saved here, not in a forked time-limit worker
    monkeypatch.setattr(worker, "can_fork", lambda: False)
    return seen


FIGURE_COMMANDS = {
    "tower": (["tower", "-o", "{d}/tower.png"], "高台"),
    "descend": (["descend", "x**2 - 2*x", "--x0", "3", "--lr", "0.1,1.1", "-o", "{d}/descent.png"], "梯度下降"),
    "approx": (["approx", "sin(x)*cos(y)", "--n", "2,4", "--out", "{d}/approx"], "误差"),
    "train": (["train", "seed", "--data", "xor", "--epochs", "5", "--out", "{d}/run"], "损失"),
}


@pytest.mark.parametrize("name", sorted(FIGURE_COMMANDS))
def test_figures_carry_chinese_titles(name, tmp_path, figure_texts):
    args, word = FIGURE_COMMANDS[name]
    args = [a.format(d=tmp_path) for a in args]
    assert cli(*args, "--lang", "zh").exit_code == 0
    chinese = [set(texts) for texts in figure_texts]
    figure_texts.clear()
    assert cli(*args).exit_code == 0
    english = [set(texts) for texts in figure_texts]
    assert len(chinese) == len(english) >= 1
    assert any(word in text for texts in chinese for text in texts), chinese
    assert all(any(HAS_CJK.search(t) for t in texts) for texts in chinese)             # every figure has Chinese
    assert not any(HAS_CJK.search(t) for texts in english for t in texts)              # and English has none


def test_command_output_words_in_chinese():
    show = cli("show", "seed", "--lang", "zh")
    assert show.exit_code == 0 and show.output.startswith("网络：\n") and "参数（11 个）：" in show.output
    assert cli("show", "seed").output.startswith("network:\n")
    grad = cli("grad", "seed", "--wrt", "b5", "--lang", "zh")
    assert grad.output.startswith("损失：") and "梯度程序：" in grad.output
    check = cli("check", "seed", "--lang", "zh")
    lines = check.output.strip().splitlines()
    assert check.exit_code == 0 and lines[-1].endswith("所有梯度一致") and "有限差分" in lines[0]
    assert "   是" in lines[1] and "yes" not in check.output
    tower = cli("tower", "--nested", "--lang", "zh")
    assert tower.output.startswith("4 个嵌套的高台 [-0.5, 0.5]") and "56 个参数" in tower.output


def test_a_terminal_that_cannot_show_chinese_gets_english():
    ascii_runner = CliRunner(charset="ascii")
    env = {**NO_LANG, "LANG": "zh_CN.UTF-8"}
    help_text = ascii_runner.invoke(main, ["tower", "--help"], env=env)
    assert help_text.exit_code == 0 and "Build the article's tower" in help_text.output and "?" * 3 not in help_text.output
    quiz = ascii_runner.invoke(main, ["quiz", "seed", "--wrt", "b5", "--answer", "delta_z5", "--lang", "zh"], env=env)
    assert quiz.exit_code == 0 and "Right" in quiz.output
    bad = ascii_runner.invoke(main, ["show", "bogus"], env=env)
    assert bad.exit_code == 2 and bad.output.startswith("Error: ")


def test_the_approximation_table_in_chinese():
    zh = cli("approx", "sin(x)*cos(y)", "--n", "2,4", "--lang", "zh").output.splitlines()
    en = cli("approx", "sin(x)*cos(y)", "--n", "2,4").output.splitlines()
    assert zh[0] == "sin(x)*cos(y)，区域 [-2, 2] × [-2, 2]" and en[0] == "sin(x)*cos(y) on [-2, 2] × [-2, 2]"
    assert zh[1].split() == ["n", "高台数", "参数", "最大误差", "均方根误差", "最大误差之比"]
    assert [line.split() for line in zh[3:5]] == [line.split() for line in en[3:5]]      # the same numbers


def test_chinese_figures_without_a_cjk_font_say_so(tmp_path, monkeypatch):
    import symnet.cli.figures as figures
    import symnet.plot.fonts as fonts

    monkeypatch.setattr(fonts, "cjk_font", lambda: (None, fonts.MISSING))
    monkeypatch.setattr(figures, "_WARNED", set())
    result = cli("tower", "--lang", "zh", "-o", str(tmp_path / "t.png"))
    assert result.exit_code == 0 and result.output.count("warning: no CJK font found") == 1
    assert "warning" not in cli("tower", "-o", str(tmp_path / "e.png")).output        # English needs no CJK font


def test_no_key_is_written_twice_in_a_language_table():
    """A dict literal keeps the last of two equal keys silently: a new key must not overwrite an old one."""
    import ast
    from pathlib import Path

    import symnet.render

    for name in ("lang_en.py", "lang_zh.py"):
        tree = ast.parse((Path(symnet.render.__file__).parent / name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Dict):
                keys = [k.value for k in node.keys if isinstance(k, ast.Constant)]
                assert sorted({k for k in keys if keys.count(k) > 1}) == [], name


def test_train_prints_its_summary_and_progress_in_chinese(tmp_path):
    from tests.cli_helpers import run

    for network, data in (("mlp:2-3-1", "xor"), ("conv:8x8:c3x3x2:relu:flat:d10:softmax", "digits")):
        zh = run("train", network, "--data", data, "--epochs", "1", "--out", tmp_path / network[:4], "--lang", "zh")
        assert zh.exit_code == 0, zh.output
        lines = zh.output.strip().splitlines()    # CliRunner mixes the progress line (stderr) in
        assert len(lines) >= 6 and all(HAS_CJK.search(line) for line in lines), zh.output
        for word in ("trained", "optimizer", "final loss", "accuracy", "time:", "wrote", "epoch", "batch all"):
            assert word not in zh.output
    assert "最终损失：训练" in zh.output and "，测试 " in zh.output and "第 1/1 轮：损失" in zh.output
    en = run("train", "mlp:2-3-1", "--data", "xor", "--epochs", "1", "--quiet", "--out", tmp_path / "en").output
    assert en.startswith("trained f(θ4, f(θ1, x1, x2)") and "\noptimizer adam, η = 0.05, 1 epochs, batch all" in en
    assert "\nwrote " in en and not HAS_CJK.search(en)


def test_the_scalar_hessian_titles_and_eigenvalue_sentences_in_chinese():
    args = ("hessian", "--expr", "sigmoid(w*x + b)", "--inputs", "x", "--at", "x=1,y=0,w=0.5,b=0.1")
    zh, en = cli(*args, "--lang", "zh").output, cli(*args).output
    for title in ("损失：", "二阶导数（i ≤ j：矩阵是对称的）：", "数值：", "曲率："):
        assert f"\n{title}\n" in f"\n{zh}"
    assert "特征值 λ = 0, 0.0372428" in zh and "最大的稳定学习率 2/λ_max = 53.7017（" in zh
    assert "curvature" not in zh and "eigenvalues" not in zh and "largest" not in zh
    assert "\ncurvature:\n  eigenvalues λ = 0, 0.0372428\n  largest stable learning rate 2/λ_max = 53.7017 (near" in en
    assert en.startswith("loss:\n") and "second derivatives (i ≤ j: the matrix is symmetric):" in en


@pytest.mark.parametrize("command", [("check", "seed"), ("codegen", "seed"), ("derive", "seed"),
                                     ("grad", "seed", "--wrt", "b5"), ("show", "seed"),
                                     ("hessian", "seed", "--wrt", "b5")])
def test_ascii_with_chinese_is_refused_by_every_command_as_derive_does(command):
    result = cli(*command, "--lang", "zh", "--ascii")
    assert result.exit_code == 2 and "--lang zh needs UTF-8 output, but --ascii was given" in result.output
    assert "?" not in result.output and "Traceback" not in result.output
    assert cli(*command, "--ascii").exit_code == 0            # English in ASCII is fine
    assert cli(*command, "--ascii", env={"LANG": "zh_CN.UTF-8"}).exit_code == 2   # so is the locale's Chinese


def test_train_with_ascii_and_chinese_is_refused_before_any_work(tmp_path):
    result = cli("train", "seed", "--data", "xor", "--epochs", "1", "--out", str(tmp_path / "run"), "--lang", "zh",
                 "--ascii")
    assert result.exit_code == 2 and "--ascii was given" in result.output and not (tmp_path / "run").exists()
