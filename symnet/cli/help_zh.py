"""The commands' ``--help`` in Chinese: each command's summary and every option's help.

English help lives beside each option (click); this table gives the Chinese, looked up by command
name and by option name (``"command.option"`` where one command's option means something of its own,
else the option name shared by every command). ``symnet.cli.LazyGroup`` swaps it in when ``--lang zh``
is on the command line or ``LANG=zh_*``; ``tests/test_i18n.py`` checks that every command and option has
its entry. Only strings here: ``symnet --help`` stays instant.
"""

GROUP = "symnet：把神经网络写成公式。推导、打印、检验并训练符号梯度。"

COMMANDS = {
    "show": "打印一个网络：嵌套的 f 形式、程序、封闭公式和参数。",
    "grad": "打印每个（或指定的）参数的 ∂L/∂w。",
    "check": "比较四种梯度（反向传播、sympy.diff、数值反向模式、有限差分）。",
    "quiz": "检查你自己求的导数：你的公式是 ∂L/∂WRT 吗？若不是，缺了哪条路径或哪个因子。",
    "codegen": "打印生成的 NumPy 模块（损失及其梯度）：它可以独立运行（value_and_grad）。",
    "derive": "用链式法则一步步推导 ∂L/∂θ：路径、局部因子、乘积、δ 形式。",
    "graph": "画出计算图，每条边标上它的局部导数。",
    "train": "用梯度下降在数据集上训练 NETWORK：θ ← θ − η·∂L/∂θ。",
    "predict": "用训练好的 MODEL（symnet train 写出的 model.json）预测 DATA 的每一行（CSV 文件或内置数据集）。",
    "descend": "对一维 FORMULA 做梯度下降 x ← x − η·h′(x)，每个学习率各一次。",
    "tower": "搭建文章中由五个 sigmoid 神经元组成的高台，并画成三维图。",
    "approx": "用高台之和近似 EXPRESSION（x 和 y 或 x1 和 x2 的函数）；打印误差随 n 的变化。",
    "tour": "运行整篇文章：网络、公式、高台、梯度下降、推导、训练、梯度检验。",
    "hessian": "打印 ∂²L/∂θᵢ∂θⱼ：损失的黑塞矩阵，逐项写出（对梯度程序再做一次切向扫描）。",
}

OPTIONS = {
    # shared by several commands
    "expr": "一个公式，例如 \"tanh(w*x + b)\"；可以用神经元 f(theta1, x)。",
    "inputs": "--expr 的输入，用逗号分隔，例如 x1,x2。",
    "params": "--expr 的参数（默认：不是输入的每个符号）。",
    "activation": "每个神经元的激活函数：名字（sigmoid、tanh、relu、softplus、identity、swish、softsign、gelu）"
                  "或关于 z 的公式，例如 \"z/(1 + Abs(z))\"。",
    "loss_name": "单个样本的损失：squared_error、binary_cross_entropy，或关于 yhat 和 y 的公式，"
                 "例如 \"0.5*(y - yhat)**2\"。",
    "ascii": "只输出 ASCII，名字可以直接粘贴回命令（theta1、w1_1、delta_z5）。",
    "timeout": "时间限制（秒）；超过时命令停止（退出码 2）。",
    "lang": "语言：en（英文）或 zh（中文）；默认 en，LANG=zh_* 时为 zh。",
    "output": "写入 FILE（原子写入），而不是打印。",
    "fmt": "输出格式：unicode（θ₁、w₃,₁、σ）、text（θ1、w1_1、sigmoid：按输入的写法）、latex、markdown、json。",
    "seed": "随机数的种子（0 或更大）。",
    "wrt": "对哪些参数求导，用逗号分隔，例如 w1_1,b5；θN 或 thetaN 表示神经元 N 的全部参数；也可以指定输入"
           "（默认：每个参数）。",
    "at": "同时在这个点上求值：每个输入、参数和 y。",
    "steepness": "阶跃神经元的陡度。",
    "sharpness": "高台神经元的锐度。",
    "threshold": "高台神经元的阈值。",
    "epochs": "训练轮数。",
    "learning_rate": "学习率（步长）η。",
    "expanded": "每个参数写成一个封闭公式，而不是 δ 程序。",
    "shapes": "把 --expr 当作矩阵表达式读入，并给出各矩阵的形状，例如 \"X=N x 3, y=N, w=3\"（向量是列向量；"
              "尺寸是数字或 N 这样的名字）。",
    # one command's own meaning
    "grad.max_ops": "单个展开公式的大小上限（全部合计至多 200000）。",
    "check.at": "改为在这一个点上检验（每个输入、参数和 y）。",
    "check.seed": "随机点和样本批的种子（0 或更大）。",
    "check.batch": "随机样本批的行数。",
    "check.fmt": "输出格式：unicode（θ₁、w₃,₁、σ）、text（按输入的写法）、markdown、json。",
    "quiz.wrt": "对谁求导：参数（w2_1）、输入（x1）或节点（h2、z3）：∂L/∂NAME；两个名字 A,B（B 是参数或输入）"
                "表示 Hessian 矩阵的元素 ∂²L/∂A∂B。",
    "quiz.answer": "导数的公式，用 symnet 打印的名字：输入 x1、x2，目标 y，参数 w2_1、b5，节点 z1、h1、u3_1"
                   "（输出写作 yhat），以及 WRT 与 L 之间节点的 δ（delta_z2 或 δ_z2）；函数 sigmoid（或 σ）、exp、"
                   "log、tanh、relu、softplus。不给时会提示输入。",
    "quiz.points": "比较答案所用的随机点个数（精确到 50 位有效数字）。",
    "quiz.seed": "随机点的种子。",
    "quiz.fmt": "输出格式：unicode（θ₁、w₃,₁、σ）、text（按输入的写法）、json。",
    "derive.wrt": "要求导的参数，用逗号分隔（默认：全部）；θN 或 thetaN 表示神经元 N 的全部参数；也可以指定输入。",
    "derive.at": "一个点：每个输入、参数和 y，例如 x1=1,...,y=0.5；或 random（random:SEED）：即 "
                 "`symnet check --seed SEED` 的第一个样本。文档（-o）默认用 random:0，讲义总是带数字。",
    "derive.abstract": "保留未定义的神经元 f（每个神经元一个标量 θ，与文章相同）。",
    "derive.expanded": "同时把每个导数写成一个封闭公式（有大小限制）。",
    "derive.fmt": "终端上的格式（文件的格式由后缀决定）；json：推导的数据。",
    "derive.output": "写出文档：.tex（独立的 LaTeX）、.md（Markdown）、.pdf（LaTeX 编译）、.txt、.json。",
    "derive.no_check": "文档中不包含四种方法的数值检验。",
    "graph.wrt": "高亮这个参数（或神经元 θN / thetaN）的路径。",
    "graph.output": "图像文件：.png、.svg 或 .pdf。",
    "graph.dpi": "PNG 的分辨率。",
    "train.data_spec": "xor、moons、circles、spiral、sine、seed、function:EXPR（关于 x、y 或 x1、x2），或带表头的 "
                       "FILE.csv；layers: 与 conv: 网络可用 digits（8×8 手写数字，固定的训练/测试划分）或 mnist"
                       "（28×28，MNIST 的 5,000 张，需可选扩展 [mnist]）；"
                       "attention: 网络可用 sequences（匹配查询，按网络的形状生成）。",
    "train.out_dir": "写出 model.json、loss.csv 和各图的文件夹。",
    "train.epochs": "遍历训练数据的轮数（默认 200；layers: 网络为 40）。",
    "train.learning_rate": "学习率 η（默认 0.05；layers: 网络为 0.01，线性衰减到 0）。",
    "train.batch_size": "每步的样本数（默认：全部；layers: 网络为 32）。",
    "train.optimizer": "梯度如何改变 θ。",
    "train.seed": "数据、初始 θ 和打乱顺序的种子：种子相同，结果相同。",
    "train.samples": "内置数据集的样本数。",
    "train.noise": "内置数据集的噪声。",
    "train.validation": "留作验证的数据比例，例如 0.2。",
    "train.target": "CSV 文件的目标列（默认：最后一列）。",
    "train.clip": "梯度范数超过此值时按比例缩小（默认：不裁剪）。",
    "train.backend": "梯度在哪里运行：NumPy、JAX（jit 编译，可用 JAX 能看到的任何设备）、fused"
                     "（经 LLVM 编译成一个机器码循环；标量网络）或 matrix（标量 mlp 经由它的层网络孪生体的 BLAS 代码；"
                     "某层有 64 x 64 个以上权重时 auto 选它）。",
    "train.devices": "配合 --backend jax：把每个批次分到 N 个设备上（数据并行；默认一个）。",
    "train.dtype": "θ、数据和梯度用什么精度计算：float64，或 float32（宽的层上快 1.8–4 倍；NumPy 或 JAX，不支持 fused）。",
    "check.dtype": "θ、数据和梯度用什么精度计算：float64，或 float32（用 float32 的 backprop 对照 float64 的其他三种方法，"
                   "容差随 float32 的机器精度放宽）。",
    "train.quiet": "不输出进度。",
    "train.fmt": "text：摘要；json：同样的内容作为数据，供脚本使用（layers: 网络含 test_accuracy）。",
    "predict.data_path": "要预测的行：一个 CSV 文件，表头是网络的输入名（例如 x1,x2）；digits 或 mnist（symnet train "
                         "计算准确率所用的留出测试图像）；xor、moons、circles、spiral、sine、seed 或 function:EXPR"
                         "（模型那次训练的数据行：它的 data.csv，或按记录的种子重新生成）。",
    "predict.fmt": "csv：每行一条（label,probability 或 prediction）；json：一个对象（见命令行参考）。",
    "descend.x0": "起点 x₀。",
    "descend.rates": "要比较的学习率 η，用逗号分隔。",
    "descend.steps": "每个学习率的梯度步数。",
    "grad.steps": "与 --shapes 一起：同时打印程序及其伴随（反向）扫描。",
    "descend.symbol": "FORMULA 有多个符号时，指定变量。",
    "descend.output": "把图保存到这里。",
    "descend.fmt": "text：dh/dx 和路径表；json：路径的数据，供脚本使用。",
    "descend.newton": "同时用牛顿法（带阻尼）从同一起点出发：多一列、一条曲线和一行说明。",
    "check.order": "2：检验二阶导数 ∂²L/∂θᵢ∂θⱼ（黑塞矩阵、黑塞向量积、sympy.diff 两次、梯度的有限差分）。",
    "derive.order": "2：再加一节“二阶导数”：对 --wrt 中每个参数的切向扫描、数值、特征值和二阶检验。",
    "hessian.steps": "与 --shapes 一起：同时打印程序（前向各步，然后伴随扫描）及其上给出 H v 的切向扫描（ẇ = v）。",
    "hessian.wrt": "只取这些参数（行和列），用逗号分隔，例如 w5_1,b5；θN 或 thetaN 表示神经元 N 的全部参数（默认：全部）。",
    "hessian.at": "同时在这个点上求值（每个输入、参数和 y）：各项的值、特征值和最大的稳定学习率 2/λ_max。",
    "hessian.fmt": "输出格式：text（按输入的写法）、unicode（θ₁、w₃,₁、σ）、latex、markdown、json。",
    "tower.bounds": "高台的范围：x_min,x_max,y_min,y_max。",
    "tower.sharpness": "高台神经元的锐度 [30；--nested 时为 4]。",
    "tower.nested": "文章的第二幅图：四个嵌套的高台（±0.5、±1、±2、±4）。",
    "tower.show_formula": "打印网络、它的公式和参数值。",
    "tower.output": "写出三维图（.png、.svg、.pdf）。",
    "tower.fmt": "text：摘要（以及 --show-formula）；json：高台的数据，含公式和数值。",
    "approx.domain": "近似所在的正方形（两个数 A,B：关于 x 的一维函数，用凸起近似）。",
    "approx.ns": "每个轴上要尝试的格数（每次 n² 个高台；至多 32）。",
    "approx.threshold": "高台神经元的阈值（1.5：相邻的高台在 ½ + ½ 处相接；文章的 1.1 会重复计算）。",
    "approx.refine": "然后用梯度下降（Adam）训练高度，并报告新的误差。",
    "approx.epochs": "--refine 的训练轮数。",
    "approx.learning_rate": "--refine 的步长 η。",
    "approx.out": "把 errors.csv、errors.md 和各图（PNG）写到这里。",
    "approx.fmt": "text：误差表；json：同样的数字，供脚本使用。",
    "tour.out": "写出导览的文件夹（不存在时创建）。",
}


def option_help(command: str, name: str) -> str | None:
    """The Chinese help of ``command``'s option ``name`` (its own entry, else the shared one), or None.

    >>> option_help("tower", "output")
    '写出三维图（.png、.svg、.pdf）。'
    """
    return OPTIONS.get(f"{command}.{name}", OPTIONS.get(name))
