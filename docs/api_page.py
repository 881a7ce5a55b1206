"""The API page, written while the site is built, from the package's own layout.

The page lists every module in the order of ``ls linfit/``: the lesson first, then
the subpackages of tools. Objects that a chapter documents next to their code are
left out of their module's entry here and linked to instead, so each object has one
home on the site. The Chinese page says in Chinese what each module is for.
"""

from __future__ import annotations

import re
from pathlib import Path

DOCS = Path(__file__).parent
MARKER = "<!-- linfit-api -->"

SECTIONS: list[tuple[str, str, list[str]]] = [
    (
        "The lesson",
        "教程中的模块",
        [
            "linfit",
            "linfit.data",
            "linfit.model",
            "linfit.loss",
            "linfit.step",
            "linfit.loop",
            "linfit.history",
            "linfit.metrics",
            "linfit.moments",
            "linfit.reference",
            "linfit.bounds",
            "linfit.validation",
            "linfit.errors",
        ],
    ),
    (
        "Engines",
        "引擎",
        [
            "linfit.engines",
            "linfit.engines.problem",
            "linfit.engines.recorder",
            "linfit.engines.eager",
            "linfit.engines.function",
            "linfit.engines.chunks",
            "linfit.engines.graph",
            "linfit.engines.xla",
            "linfit.engines.moments",
            "linfit.engines.distributed",
        ],
    ),
    (
        "Variants: Keras, optimizers, the classifier",
        "变体：Keras、优化器、分类器",
        [
            "linfit.variants",
            "linfit.variants.keras_model",
            "linfit.variants.optimizers",
            "linfit.variants.classifier",
        ],
    ),
    (
        "Data parallelism",
        "数据并行",
        [
            "linfit.parallel",
            "linfit.parallel.mirrored",
            "linfit.parallel.multiworker",
            "linfit.parallel.shards",
            "linfit.parallel.workers",
        ],
    ),
    (
        "Files",
        "文件",
        [
            "linfit.files",
            "linfit.files.csvfile",
            "linfit.files.blocks",
            "linfit.files.fastcsv",
            "linfit.files.formats",
            "linfit.files.sources",
            "linfit.files.streaming",
            "linfit.files.datasets",
            "linfit.files.checkpoint",
            "linfit.files.figures",
            "linfit.files.atomic",
        ],
    ),
    (
        "The command line",
        "命令行",
        [
            "linfit.cli",
            "linfit.cli.parser",
            "linfit.cli.demo",
            "linfit.cli.fit",
            "linfit.cli.report",
            "linfit.cli.bench",
            "linfit.cli.scale",
        ],
    ),
    (
        "Conformance",
        "一致性检查",
        [
            "linfit.conformance",
            "linfit.conformance.checker",
            "linfit.conformance.cases",
            "linfit.conformance.generate",
        ],
    ),
]
"""(English title, Chinese title, modules) for each section of the page."""

SUMMARIES_ZH = {
    "linfit": "公共名称：都可以直接从 linfit 导入。",
    "linfit.data": "数据：围绕一条已知直线合成的点，以及每一轮访问这些点的顺序。",
    "linfit.model": "模型：一条直线 y = w·x + b，两个 float32 变量保存在一个 tf.Module 中。",
    "linfit.loss": "L2 损失及其手工推导的梯度。",
    "linfit.step": "一步梯度下降：用梯度带求梯度，再就地更新变量。",
    "linfit.loop": "训练循环：重复这一步，记下每一轮，返回 History；train 是调用的入口。",
    "linfit.history": "训练记录：每轮一行，从未训练的模型开始。",
    "linfit.metrics": "评价拟合的指标，整批计算与流式累加两种形式。",
    "linfit.moments": "数据对直线损失的全部贡献：五个矩，一遍读出。",
    "linfit.reference": "参照实现（oracle）：用 NumPy float64 做同样的训练。",
    "linfit.bounds": "float32 结果离精确结果最多有多远，以及原因：所有容差都出自这里。",
    "linfit.validation": "公共 API 边界上的输入检查。",
    "linfit.errors": "linfit 有意抛出的异常。",
    "linfit.engines": "引擎：计算同一次训练的几种可互换的方式。",
    "linfit.engines.problem": "每个引擎拿到的东西：模型、检查过的数据和设置。",
    "linfit.engines.recorder": (
        "记录器：保存每一行、打印、回调、进度条、发散检测，并保证模型停在最后一行的状态。"
    ),
    "linfit.engines.eager": "即时执行引擎：按原样运行 linfit.loop 中的循环，逐个运算执行。",
    "linfit.engines.function": "function 引擎：同一个循环，每一步编译成 tf.function。",
    "linfit.engines.chunks": (
        "分块运行编译好的循环：一个程序适用于任意轮数，Ctrl-C 能及时生效。"
    ),
    "linfit.engines.graph": "graph 引擎：多轮放进一个 TensorFlow 图中。",
    "linfit.engines.xla": "xla 引擎：graph 引擎的循环由 XLA 编译。",
    "linfit.engines.moments": "矩引擎：只读一遍数据，之后每步 O(1)。",
    "linfit.engines.distributed": "分布式引擎：用 tf.distribute 策略做数据并行。",
    "linfit.variants": "同一个训练的其他写法：Keras、函数式与优化器、MLP 分类器。",
    "linfit.parallel": "用 tf.distribute 做数据并行：多个设备，或多个进程。",
    "linfit.files": "文件：读取数据、保存训练、绘图，以及安全地写出这些文件。",
    "linfit.conformance": "给移植版本的标准向量，以及用它们检查移植版本的工具。",
    "linfit.variants.keras_model": "用 Keras 3 的 compile 和 fit 训练同一条直线。",
    "linfit.variants.optimizers": "同一个训练的另外两种写法：函数式，以及使用优化器。",
    "linfit.variants.classifier": (
        "原教程中的分类器：用 tf.data 和指标的自定义循环训练一个 MLP。"
    ),
    "linfit.parallel.mirrored": "在一台机器上用 tf.distribute 做数据并行的辅助工具。",
    "linfit.parallel.multiworker": (
        "在本机的多个工作进程上用 MultiWorkerMirroredStrategy 训练。"
    ),
    "linfit.parallel.shards": "把数据文件分给各工作进程：每个进程只读一遍自己那部分，算出它的矩。",
    "linfit.parallel.workers": "多工作进程训练启动的监督进程和工作进程。",
    "linfit.files.csvfile": (
        "读取 CSV 文件：只需 NumPy，好文件读得快，坏文件准确指出哪一行有什么问题。"
    ),
    "linfit.files.blocks": "按块读取数据源，每块在行尾结束并带有首行行号；拒绝不是文本的内容。",
    "linfit.files.fastcsv": "CSV 读取的快速路径：由成熟的库（pyarrow 或 NumPy）解析整块。",
    "linfit.files.formats": "分块读取 Parquet、.npy 和 .npz 文件中的点，内存占用不随文件增大。",
    "linfit.files.sources": (
        "从任意来源（文件、字节流或 (x, y) 数组对）分块读取数据点，并一次读完算出矩。"
    ),
    "linfit.files.streaming": "不把数据文件载入内存就能训练：全批量训练只需读一遍文件。",
    "linfit.files.datasets": "随 linfit 提供的真实数据：NIST 的 Norris 校准数据及其认证值。",
    "linfit.files.checkpoint": "保存训练并在之后逐位相同地继续；从不删除用户的文件。",
    "linfit.files.figures": "原教程中的图，用 matplotlib 的面向对象接口绘制。",
    "linfit.files.atomic": "写文件要么完整写成，要么不写：绝不留下写了一半的文件。",
    "linfit.cli": "命令行 linfit：demo、fit、bench 和 conformance check。",
    "linfit.cli.parser": "命令行的参数：每个子命令和选项，以及它们的帮助文字。",
    "linfit.cli.demo": "linfit demo：教程中的标准实验，可以选用它的任何一种写法。",
    "linfit.cli.fit": "linfit fit：用数据文件（或标准输入）中的点训练。",
    "linfit.cli.report": "linfit demo 和 linfit fit 训练后打印的内容：得到的直线与最优直线并列。",
    "linfit.cli.scale": "linfit bench --scale：文件越来越大时，全批量拟合的读取时间和内存。",
    "linfit.cli.bench": "用多种方式计时训练，并与读一遍数据所需的时间比较。",
    "linfit.conformance.checker": "用标准向量检查移植版本的轨迹。",
    "linfit.conformance.cases": "一致性测试的各个用例：每个用例训练什么、为什么存在。",
    "linfit.conformance.generate": "写出标准向量。",
}

PACKAGES = {"linfit.variants", "linfit.parallel", "linfit.files", "linfit.conformance"}
"""Subpackages listed for their summary only."""

WORDS = {
    "en": {"documented": "Documented in the chapters", "separator": ", "},
    "zh": {"documented": "在各章中给出文档", "separator": "、"},
}


def chapter_entries(language: str) -> dict[str, tuple[str, str]]:
    """``identifier → (chapter file, chapter title)`` for every ``:::`` in a chapter."""
    found = {}
    for page in sorted(DOCS.glob(f"*.{language}.md")):
        if page.name.startswith("api."):
            continue
        text = page.read_text(encoding="utf-8")
        title = re.search(r"^# (.+)$", text, re.MULTILINE)
        chapter = page.name.replace(f".{language}.md", ".md")
        for identifier in re.findall(r"^ *::: (linfit\S*)", text, re.MULTILINE):
            found[identifier] = (chapter, title.group(1) if title else chapter)
    return found


def modules() -> list[str]:
    """Every module on the page, in order."""
    return [module for _, _, names in SECTIONS for module in names]


def markdown(language: str) -> str:
    """The generated part of the API page in ``language`` ("en" or "zh")."""
    words = WORDS[language]
    elsewhere = chapter_entries(language)
    lines: list[str] = []
    for english, chinese, names in SECTIONS:
        lines += [f"## {english if language == 'en' else chinese}", ""]
        for module in names:
            if language == "zh":
                lines += [f"**`{module}`**：{SUMMARIES_ZH[module]}", ""]
            members = sorted(
                identifier
                for identifier in elsewhere
                if identifier.rpartition(".")[0] == module
            )
            filters = ['"!^_[^_]"'] + [
                f'"!^{identifier.rpartition(".")[2]}$"' for identifier in members
            ]
            lines += [f"::: {module}", "    options:", "      heading_level: 3"]
            if module in PACKAGES:  # their modules have entries of their own
                lines += ["      members: false", ""]
            else:
                lines += [f"      filters: [{', '.join(filters)}]", ""]
            if members:
                links = words["separator"].join(
                    f"[`{identifier.rpartition('.')[2]}`][{identifier}] "
                    f"([{elsewhere[identifier][1]}]({elsewhere[identifier][0]}))"
                    for identifier in members
                )
                lines += [f"{words['documented']}: {links}.", ""]
    return "\n".join(lines)
