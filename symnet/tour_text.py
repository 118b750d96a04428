"""Every sentence the tour shows, in English and in Chinese (the article's language).

``text(key, lang, **values)`` looks a sentence up and fills its ``{placeholders}``. Keeping the
words in one table keeps the section functions about numbers and formulas, and lets a translator
see both languages side by side.
"""

from __future__ import annotations

TEXT = {
    "page_title": ("symnet tour: how a neural network learns", "symnet 导览：神经网络如何工作"),
    "page_lead": (
        "Every formula, number and figure on this page was computed just now by symnet, following the article "
        "“神经网络如何工作” (How neural networks work) section by section.",
        "本页中的每一个公式、数字和图都是 symnet 刚刚算出来的，按照《神经网络如何工作》这篇文章一节一节地走一遍。"),
    "files_heading": ("Files written by this section:", "本节生成的文件："),
    "skipped": ("Skipped", "已跳过"),
    # §0 the model as a function
    "model_title": ("§0 The model is a function", "§0 模型是一个函数"),
    "model_p1": (
        "A model maps what it perceives to an output: F(perception) = output. In symnet the model is an object you "
        "can call like a function, print as a formula, and compare with the ideal function G it should learn.",
        "模型可以看作一个映射：F(感知) = 输出。在 symnet 里，模型就是一个对象：可以像函数一样调用，可以打印成公式，"
        "也可以和它要学习的理想函数 G 作比较。"),
    "model_p2": (
        "Below, F is the article's five-neuron network with made-up parameters and G is the same network with the "
        "parameters of a “teacher”. Training means changing F's parameters until the two columns agree.",
        "下面的 F 是文章里的五神经元网络，参数是随便取的；G 是同一个网络，但用的是“老师”的参数。"
        "所谓训练，就是调整 F 的参数，直到下表中两列数字一致。"),
    "model_call": ("F called at one point (exact substitution, then evaluated):",
                   "在一个点上调用 F（先代入，再求值）："),
    "model_table": ("F against the ideal G on a few inputs; the last column is the squared error (G − F)².",
                    "在几个输入上比较 F 与理想函数 G；最后一列是平方误差 (G − F)²。"),
    # §1 the network
    "network_title": ("§1 The five-neuron network", "§1 什么是神经网络"),
    "network_p1": (
        "A network is neurons f(θᵢ, x) nested inside each other. symnet writes the article's network verbatim; "
        "with the default neuron σ(Σ wᵢⱼ uⱼ + bᵢ) it has {n_params} scalar parameters.",
        "神经网络由许多神经元 f(θᵢ, x) 互相嵌套而成。symnet 原样写下文章中的网络；"
        "默认的神经元是 σ(Σ wᵢⱼ uⱼ + bᵢ)，于是整个网络共有 {n_params} 个标量参数。"),
    "network_p2": (
        "The same network is also a straight-line program: one assignment per step, z for the weighted sum and h "
        "for the activation. f(θ2, x2) is used twice but computed once: the program is a graph, not a tree.",
        "同一个网络也是一段“直线程序”：每一步一个赋值，z 是加权和，h 是激活值。"
        "f(θ2, x2) 被用了两次但只算一次：程序是一张图，而不是一棵树。"),
    "network_nested": ("The nested formula F(Θ, x):", "嵌套形式的 F(Θ, x)："),
    "network_program": ("The program (every neuron as zᵢ and hᵢ):", "程序形式（每个神经元写成 zᵢ 和 hᵢ）："),
    "network_closed": ("The closed form (every neuron replaced by its formula):", "展开形式（把每个神经元换成它的公式）："),
    "network_graph": ("The network drawn from its program: inputs on the left, ŷ on the right.",
                      "根据程序画出的网络：左边是输入，右边是输出 ŷ。"),
    # §2 towers
    "towers_title": ("§2 A tower from five sigmoid neurons", "§2 用五个 sigmoid 神经元搭一个“高台”"),
    "towers_p1": (
        "Steep sigmoids are almost steps. Four of them (steepness {steepness}) mark the edges of a rectangle in "
        "the plane, and a fifth neuron, σ({gain}·(z − 1.1)), switches on only where all four agree: a tower.",
        "很陡的 sigmoid 几乎就是台阶。四个陡度为 {steepness} 的 sigmoid 标出平面上一个矩形的四条边，"
        "第五个神经元 σ({gain}·(z − 1.1)) 只在四条边同时成立的地方“打开”：这就是一个高台。"),
    "towers_formula": ("The tower as a network:", "写成网络的高台："),
    "towers_figure": ("The tower Tower(x₁, x₂, Θ) in 3-D.", "高台 Tower(x₁, x₂, Θ) 的三维图。"),
    "towers_sum_figure": ("The article's sum of four nested towers (output gain 4).",
                          "文章中四个嵌套高台之和（输出陡度为 4）。"),
    # §2 approximation
    "approx_title": ("§2 Sums of towers approximate any function", "§2 高台叠加可以拟合任意连续函数"),
    "approx_p1": (
        "Cut the square into a grid, put one tower on each cell with the height of the target function there, and "
        "add them up. The more (and the smaller) the towers, the smaller the error: this is the article's "
        "intuitive argument that networks can fit any continuous function.",
        "把正方形切成网格，在每个格子上放一个高台，高度取目标函数在那里的值，再全部加起来。"
        "高台越多（越小），误差越小：这就是文章中“神经网络可以拟合任意连续函数”的直观论证。"),
    "approx_target": ("Target function:", "目标函数："),
    "approx_figure": ("Left: the target. Right: its approximation by towers.", "左：原函数；右：高台叠加的近似。"),
    "approx_table": ("Error as towers are added (RMS and maximum over a test grid).",
                     "随着高台数量增加的误差（测试网格上的均方根误差与最大误差）。"),
    "approx_error_figure": ("The error falls as the grid gets finer.", "网格越细，误差越小。"),
    # §3 loss and descent
    "descent_title": ("§3 The loss and gradient descent in one dimension", "§3 损失函数与一元函数的梯度下降"),
    "descent_p1": (
        "A loss measures how far F is from G; the article's is L(ŷ, y) = (y − ŷ)². To make a function smaller, "
        "step against its derivative: x ← x − η·dh/dx, with learning rate η.",
        "损失函数衡量 F 与 G 的差距，文章用的是 L(ŷ, y) = (y − ŷ)²。要让一个函数变小，"
        "就沿着导数的反方向走一步：x ← x − η·dh/dx，其中 η 是学习速率。"),
    "descent_loss": ("The loss:", "损失函数："),
    "descent_rule": ("The update rule and the function being minimised:", "更新规则与被最小化的函数："),
    "descent_figure": ("Gradient descent on h(x): every dot is one step.", "在 h(x) 上做梯度下降：每个点是一步。"),
    "descent_table": ("The first steps of the descent.", "梯度下降的前几步。"),
    # §3 gradients and derivation
    "gradients_title": ("§3 Symbolic gradients and the chain rule", "§3 符号梯度与链式法则"),
    "gradients_p1": (
        "To train F we need ∂L/∂θ for every parameter. The chain rule ∂L/∂θ = ∂L/∂ŷ · ∂ŷ/∂θ, applied step by step "
        "backwards through the program, gives one adjoint δ = ∂L/∂(step) per step: this is backpropagation.",
        "训练 F 需要每个参数的梯度 ∂L/∂θ。把链式法则 ∂L/∂θ = ∂L/∂ŷ · ∂ŷ/∂θ 沿着程序一步步反向应用，"
        "每一步得到一个伴随量 δ = ∂L/∂(该步)：这就是反向传播。"),
    "gradients_p2": (
        "The derivation below is also written as a document you can print: LaTeX and Markdown, and PDF when TeX "
        "is installed.",
        "下面的推导也写成了可以打印的文档：LaTeX 和 Markdown 格式，安装了 TeX 时还会生成 PDF。"),
    "gradients_adjoints": ("The backward sweep (δ = ∂L/∂·):", "反向传播（δ = ∂L/∂·）："),
    "gradients_expanded": ("One derivative written out in full, ∂L/∂{param}:", "完整展开的一个导数 ∂L/∂{param}："),
    "gradients_steps": ("The chain-rule derivation, step by step:", "链式法则的逐步推导："),
    "gradients_doc": ("the chain-rule derivation of the seed network", "五神经元网络的链式法则推导"),
    "no_tex": ("PDF of the derivation: no LaTeX found ({reason}); the .tex and .md files were still written",
               "推导的 PDF：没有找到 LaTeX（{reason}）；.tex 和 .md 文件照常生成"),
    # §3 training
    "train_title": ("§3 Training: the computer adjusts the parameters", "§3 训练：让电脑自动调参"),
    "train_p1": (
        "Now the update θ ← θ − η·∂L/∂θ runs on every parameter at once, with gradients from the compiled program. "
        "First the seed network learns its teacher G from {n_samples} samples; then a 2-{hidden}-1 MLP learns XOR.",
        "现在对所有参数同时执行更新 θ ← θ − η·∂L/∂θ，梯度来自编译好的程序。"
        "先让五神经元网络从 {n_samples} 个样本中学习老师 G；再让一个 2-{hidden}-1 的多层感知机学习异或（XOR）。"),
    "train_rule": ("The update rule:", "更新规则："),
    "train_table": ("Loss before and after training.", "训练前后的损失。"),
    "train_seed_figure": ("Loss curve of the seed network learning its teacher.", "五神经元网络学习老师时的损失曲线。"),
    "train_xor_figure": ("Loss curve of the MLP learning XOR.", "多层感知机学习异或时的损失曲线。"),
    "train_xor_table": ("XOR after training: the network's output ŷ against the target y.",
                        "训练后的异或：网络输出 ŷ 与目标 y。"),
    # §3 gradient check
    "check_title": ("§3 Four gradients that agree", "§3 四种梯度互相验证"),
    "check_p1": (
        "How do we know the symbolic gradient is right? symnet computes it four independent ways — the compiled "
        "backprop program, sympy.diff of the closed form, a separate numeric reverse mode, and finite differences "
        "— and checks that every pair agrees to |a − b| ≤ atol + rtol·max(|a|, |b|).",
        "怎么知道符号梯度是对的？symnet 用四种相互独立的方法计算梯度：编译后的反向传播程序、对展开式做 sympy.diff、"
        "另写的数值反向模式、以及有限差分，并检查每两种之间都满足 |a − b| ≤ atol + rtol·max(|a|, |b|)。"),
    "check_table": ("∂L/∂θ of the seed network at a random point, four ways. Verdict: {verdict}.",
                    "五神经元网络在一个随机点上的 ∂L/∂θ，四种算法。结论：{verdict}。"),
    "check_ok": ("all four agree", "四种梯度全部一致"),
    "check_bad": ("some gradients DISAGREE", "有梯度不一致"),
}

SECTION_NAMES = {
    "model": ("model as a function", "模型是一个函数"),
    "network": ("five-neuron network", "五神经元网络"),
    "towers": ("towers", "高台"),
    "approx": ("approximation", "函数拟合"),
    "descent": ("loss and 1-D descent", "损失与一元梯度下降"),
    "gradients": ("gradients and derivation", "梯度与推导"),
    "train": ("training", "训练"),
    "check": ("gradient check", "梯度验证"),
}


def text(key: str, lang: str, **values) -> str:
    """The sentence ``key`` in ``lang`` (``en`` or ``zh``), with ``values`` filled in.

    >>> text("check_ok", "zh")
    '四种梯度全部一致'
    """
    if key not in TEXT:
        raise KeyError(f"no tour text named {key!r}")
    en, zh = TEXT[key]
    sentence = zh if lang == "zh" else en
    return sentence.format(**values) if values else sentence
