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
    "footer": ("Made by symnet {version} with “{command}”. Run it again to reproduce every number.",
               "由 symnet {version} 运行“{command}”生成。再运行一次即可复现每一个数字。"),
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
    "network_graph": ("The network drawn from its program, inputs on the left and the loss L on the right; each edge "
                      "u → v carries ∂v/∂u. Along the two highlighted paths the labels multiply to the two terms of "
                      "∂L/∂h₂ (f₂ feeds both f₃ and f₄). ∂L/∂w₂,₁ multiplies their sum by ∂h₂/∂w₂,₁ = x₂·h₂(1 − h₂), "
                      "the factor of the parameter itself, which this picture does not draw as a node; the live graph "
                      "in §3 draws every parameter as a node, so there every derivative is a sum of path products.",
                      "根据程序画出的网络：左边是输入，右边是损失 L；每条边 u → v 上标着 ∂v/∂u。"
                      "沿两条高亮路径，标注之积分别是 ∂L/∂h₂ 的两项（f₂ 同时连向 f₃ 和 f₄）。"
                      "∂L/∂w₂,₁ 还要把它们的和乘以 ∂h₂/∂w₂,₁ = x₂·h₂(1 − h₂)，这是参数自身的因子，本图没有把参数画成节点；"
                      "§3 的动态计算图把每个参数都画成节点，在那里每个导数都恰好是各条路径乘积之和。"),
    # §2 towers
    "towers_title": ("§2 A tower from five sigmoid neurons", "§2 用五个 sigmoid 神经元搭一个“高台”"),
    "towers_p1": (
        "Steep sigmoids are almost steps. Four of them (steepness {steepness}) mark the edges of a rectangle in "
        "the plane, and a fifth neuron, σ({gain}·(z − 1.1)) with sharpness s = {gain}, switches on only where all "
        "four agree: a tower.",
        "很陡的 sigmoid 几乎就是台阶。四个陡度为 {steepness} 的 sigmoid 标出平面上一个矩形的四条边，"
        "第五个神经元 σ({gain}·(z − 1.1))（锐度 s = {gain}）只在四条边同时成立的地方“打开”：这就是一个高台。"),
    "towers_formula": ("The tower as a network:", "写成网络的高台："),
    "towers_figure": ("The tower Tower(x, y) in 3-D, the article's first figure.", "高台 Tower(x, y) 的三维图（文章中的第一张图）。"),
    "towers_sum_figure": ("The article's sum of four nested towers (sharpness s = 4).",
                          "文章中四个嵌套高台之和（锐度 s = 4）。"),
    # §2 approximation
    "approx_title": ("§2 Sums of towers approximate any function", "§2 高台叠加可以拟合任意连续函数"),
    "approx_p1": (
        "Cut the square into a grid, put one tower on each cell with the height of the target function there, and "
        "add them up. The more (and the smaller) the towers, the smaller the error: this is the article's "
        "intuitive argument that networks can fit any continuous function.",
        "把正方形切成网格，在每个格子上放一个高台，高度取目标函数在那里的值，再全部加起来。"
        "高台越多（越小），误差越小：这就是文章中“神经网络可以拟合任意连续函数”的直观论证。"),
    "approx_p2": (
        "One change from the article: these sums use the threshold {threshold} instead of 1.1. With 1.1, a tower "
        "still outputs σ(30·(1 − 1.1)) ≈ {leak} beside its box, every tower in the same row and column adds that "
        "much, and the error would grow as towers are added.",
        "和原文有一处不同：这里的高台叠加用阈值 {threshold} 而不是 1.1。阈值为 1.1 时，高台在方块旁边仍会输出 "
        "σ(30·(1 − 1.1)) ≈ {leak}，同一行、同一列的每个高台都会叠加这么多，误差反而会随高台数量增加而变大。"),
    "approx_target": ("Target function:", "目标函数："),
    "approx_height": ("G(centre of cell k)", "G(第 k 个格子的中心)"),
    "approx_figure": ("Left: the target G. Right: its approximation by {n}×{n} towers.",
                      "左：原函数 G；右：用 {n}×{n} 个高台叠加得到的近似。"),
    "approx_table": ("Error as towers are added, measured on a dense test grid; the last column is how many "
                     "times smaller the maximum error got than in the row above.",
                     "随着高台数量增加的误差（在密集的测试网格上测量）；最后一列是最大误差比上一行缩小的倍数。"),
    "approx_error_map": ("Where the error is: |G − ŷ| over the square for {n}×{n} towers (largest where G is steepest).",
                         "误差在哪里：{n}×{n} 个高台时 |G − ŷ| 在正方形上的分布（G 最陡的地方误差最大）。"),
    "approx_error_figure": ("The error falls like 1/n as the grid gets finer (log-log axes).",
                            "网格越细，误差越小，大约按 1/n 下降（对数坐标）。"),
    # §3 loss and descent
    "descent_title": ("§3 The loss and gradient descent in one dimension", "§3 损失函数与一元函数的梯度下降"),
    "descent_p1": (
        "A loss measures how far F is from G; the article's is L(ŷ, y) = (y − ŷ)². To make a function smaller, "
        "step against its derivative: x ← x − η·dh/dx, with learning rate η.",
        "损失函数衡量 F 与 G 的差距，文章用的是 L(ŷ, y) = (y − ŷ)²。要让一个函数变小，"
        "就沿着导数的反方向走一步：x ← x − η·dh/dx，其中 η 是学习速率。"),
    "descent_p2": ("Here h(x) = x² − 2x has its minimum at x = 1. Starting from x = 3: {outcomes}.",
                   "这里 h(x) = x² − 2x 在 x = 1 处取得最小值。从 x = 3 出发：{outcomes}。"),
    "list_sep": ("; ", "；"),
    "descent_settled": ("with η = {eta}, after {steps} steps x = {x}", "η = {eta} 时，{steps} 步之后 x = {x}"),
    "descent_diverged": ("with η = {eta} every step overshoots further and the descent diverges",
                         "η = {eta} 时每一步都冲得更远，梯度下降发散了"),
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
        "Now the update θ ← θ − η·∂L/∂θ runs on every parameter at once: plain gradient descent on the whole data "
        "set each epoch, with gradients from the compiled program. First §0's F learns the teacher G from "
        "{n_samples} noisy samples (η = {eta}); then a 2-{hidden}-1 MLP learns XOR, which no single neuron can "
        "(η = {eta_xor}). symnet also has the Momentum and Adam optimisers (train(..., optimizer=\"adam\")); "
        "the tour does not use them.",
        "现在对所有参数同时执行更新 θ ← θ − η·∂L/∂θ：每一轮在整个数据集上做一次普通梯度下降，梯度来自编译好的程序。"
        "先让 §0 中的 F 从 {n_samples} 个带噪声的样本中学习老师 G（η = {eta}）；再让一个 2-{hidden}-1 的多层感知机"
        "学习异或（XOR），这是单个神经元做不到的（η = {eta_xor}）。symnet 也提供 Momentum 和 Adam 优化器"
        "（train(..., optimizer=\"adam\")），本导览没有用它们。"),
    "train_rule": ("The update rule:", "更新规则："),
    "train_f_table": ("§0's comparison again: the seed network F started from §0's parameters; after training it "
                      "is much closer to the teacher G.",
                      "再看一次 §0 的比较：五神经元网络 F 从 §0 的参数出发，训练之后离老师 G 近了很多。"),
    "h_f_before": ("F before", "训练前 F"), "h_f_after": ("F after", "训练后 F"),
    "train_table": ("Loss before and after training.", "训练前后的损失。"),
    "train_seed_figure": ("Loss curve of the seed network learning its teacher.", "五神经元网络学习老师时的损失曲线。"),
    "train_seed_graph": ("The seed network after training: edge width is |w|, red positive, blue negative.",
                         "训练后的五神经元网络：边越粗 |w| 越大，红色为正，蓝色为负。"),
    "train_xor_boundary": ("What the MLP learned: ŷ over the plane and the boundary ŷ = 0.5 between the classes.",
                           "多层感知机学到的结果：平面上的 ŷ，以及两类之间的分界线 ŷ = 0.5。"),
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
    "check_wrong": (
        "The check is not a formality: with a deliberately wrong rule, σ′ = σ instead of σ′ = σ(1 − σ), the compiled "
        "backprop disagrees with the other three methods for {bad} of the {total} parameters.",
        "这个检查不是走过场：如果故意把规则写错，用 σ′ = σ 代替 σ′ = σ(1 − σ)，"
        "编译后的反向传播在 {total} 个参数中有 {bad} 个与另外三种方法不一致。"),
    "train_code": ("The NumPy code every training step runs, generated from the gradient program (L, then every δ):",
                   "每一步训练运行的 NumPy 代码，由梯度程序自动生成（先算 L，再算每个 δ）："),
    "check_table": ("∂L/∂θ of the seed network at a random point, four ways. Verdict: {verdict}.",
                    "五神经元网络在一个随机点上的 ∂L/∂θ，四种算法。结论：{verdict}。"),
    "check_ok": ("all four agree", "四种梯度全部一致"),
    "check_bad": ("some gradients DISAGREE", "有梯度不一致"),
    # the live widgets (JavaScript generated from the programs above)
    "live_heading": ("Try it: live, computed in your browser by code symnet generated from these programs",
                     "动手试试：浏览器里实时计算，代码由 symnet 从上面的程序自动生成"),
    "live_tower_title": ("Tower builder: drag the sliders", "高台搭建器：拖动滑块"),
    "live_tower_probe": ("Tower(x, y) at a few points", "高台 Tower(x, y) 在几个点上的值"),
    "live_value": ("value", "值"),
    "live_descent_title": ("Gradient descent in 1-D: choose η and step", "一元梯度下降：选择 η，一步一步走"),
    "live_train_title": ("Training the seed network by plain gradient descent", "用普通梯度下降训练五神经元网络"),
    "live_step": ("Step", "走一步"), "live_run": ("Run", "运行"), "live_pause": ("Pause", "暂停"),
    "live_reset": ("Reset", "重置"), "live_epoch": ("epoch", "轮数"), "live_loss": ("loss", "损失"),
    "live_diverged": ("diverged: x left the range", "发散：x 跑出了范围"),
    "live_converging": ("steps shrink: converging", "步长在缩小：正在收敛"),
    "live_growing": ("steps grow: diverging", "步长在变大：正在发散"),
    "live_code": ("The generated JavaScript this widget runs:", "这个小部件运行的自动生成的 JavaScript 代码："),
    "live_approx_title": ("Sum of n×n towers: move n", "n×n 个高台之和：拖动 n"),
    "live_approx_maps": ("left: ŷ, the sum of towers; right: the error |G − ŷ|", "左：高台之和 ŷ；右：误差 |G − ŷ|"),
    "live_graph_title": ("The computational graph: every value and every δ at the point above",
                         "计算图：上面那个点上的每个值和每个 δ"),
    "live_back": ("Step backward", "反向走一步"),
    "live_graph_rule": ("Each edge s → t carries ∂t/∂s. Press “Step backward”: the lit node gets "
                        "δ_s = Σ δ_t·∂t/∂s over its outgoing edges; a parameter's δ is ∂L/∂θ.",
                        "每条边 s → t 上标着 ∂t/∂s。按“反向走一步”：被点亮的节点得到 δ_s = Σ δ_t·∂t/∂s"
                        "（对它的所有出边求和）；参数的 δ 就是 ∂L/∂θ。"),
    "exercises": ("Exercises (type a number and press Check)", "练习（输入一个数，再按“检查”）"),
    "ex_check": ("Check", "检查"), "ex_right": ("Right!", "答对了！"), "ex_wrong": ("Not yet, try again.", "还不对，再试试。"),
    "ex_answer": ("Answer", "答案"),
    "ex_b4": ("At the point of the derivation above (x₁ = 1, x₂ = 2, y = 1, §0's parameters), what is ∂L/∂b₄?",
              "在上面推导所用的点（x₁ = 1，x₂ = 2，y = 1，参数取 §0 的值）上，∂L/∂b₄ 等于多少？"),
    "ex_b4_why": ("b₄ has one path, L → ŷ → z₅ → h₄ → z₄ → b₄: ∂L/∂b₄ = δ_z₄ = δ_z₅·w₅,₂·h₄(1 − h₄).",
                  "b₄ 只有一条路径 L → ŷ → z₅ → h₄ → z₄ → b₄：∂L/∂b₄ = δ_z₄ = δ_z₅·w₅,₂·h₄(1 − h₄)。"),
    "ex_paths": ("How many paths lead from the loss L to w₂,₁?", "从损失 L 到 w₂,₁ 一共有几条路径？"),
    "ex_paths_why": ("f(θ2, x2) feeds both neuron 3 (through the sum u₃,₁) and neuron 4.",
                     "f(θ2, x2) 同时送入神经元 3（经过和 u₃,₁）和神经元 4。"),
    "ex_eta": ("On h(x) = x² − 2x from x = 3, which of the learning rates {rates} makes the descent diverge?",
               "在 h(x) = x² − 2x 上从 x = 3 出发，学习速率 {rates} 中哪一个会让梯度下降发散？"),
    "ex_eta_why": ("Each step multiplies x − 1 by (1 − 2η); it grows when |1 − 2η| > 1, that is η > 1.",
                   "每一步把 x − 1 乘以 (1 − 2η)；当 |1 − 2η| > 1，即 η > 1 时它越来越大。"),
    "math_plain": ("plain text", "纯文本"),
    "fold_caption": ("The chain-rule derivation of ∂L/∂{param}, one step at a time (click a step to open it):",
                     "∂L/∂{param} 的链式法则推导，一步一步来（点击每一步展开）："),
    # table headers
    "h_cells": ("n (cells per axis)", "n（每边格数）"), "h_ratio": ("max ratio", "最大误差缩小倍数"),
    "h_towers": ("towers", "高台数"), "h_params": ("params", "参数个数"),
    "h_rms": ("RMS error", "均方根误差"), "h_max": ("max error", "最大误差"),
    "h_network": ("network", "网络"), "h_before": ("loss before", "训练前损失"), "h_after": ("loss after", "训练后损失"),
    "h_epochs": ("epochs", "轮数"), "h_seed_fit": ("seed network ← teacher G", "五神经元网络 ← 老师 G"),
    "h_xor_fit": ("2-{hidden}-1 MLP ← XOR", "2-{hidden}-1 多层感知机 ← 异或"),
    "h_step": ("step k", "第 k 步"),
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
