package cpu

// Op names one instruction of RV64IMAFD + Zicsr + Zifencei. Compressed
// instructions decode to the Op of the instruction they expand to. The zero
// Op is not an instruction: it marks a decoded-instruction cache slot that
// has not been decoded yet.
type Op uint8

// String returns the instruction's mnemonic as the specification spells it
// ("addi", "fcvt.w.s", "amoadd.w"), "illegal" for an illegal encoding and
// "undecoded" for the zero Op.
func (op Op) String() string {
	if int(op) < len(opTable) && opTable[op].name != "" {
		return opTable[op].name
	}
	return "illegal"
}

// Inst is one decoded instruction: a flat record the hart executes without
// looking at the instruction word again. Fields an instruction does not use
// are zero.
type Inst struct {
	Op  Op    // what to do; opIllegal for a reserved or unknown encoding
	Rd  uint8 // destination register (x or f, by Op)
	Rs1 uint8 // first source register; the 5-bit uimm of csrr*i
	Rs2 uint8 // second source register
	Rs3 uint8 // third source register (fused multiply-add)
	Rm  uint8 // rounding mode field of F/D instructions (rmDyn = use frm)
	Len uint8 // 2 for a compressed instruction, else 4
	_   uint8
	// Imm is the sign-extended immediate: the byte offset of loads, stores,
	// branches and jumps, the value of ALU immediates, the shift amount,
	// the already-shifted upper immediate of lui/auipc, the CSR number of
	// csr* instructions.
	Imm int32
	Raw uint32 // the instruction word as fetched (16 bits for compressed)
}

// Valid reports whether i is an instruction of the implemented extensions.
func (i Inst) Valid() bool { return i.Op != opIllegal && i.Op != opDecode }

// String returns the mnemonic of i (operands are not shown).
func (i Inst) String() string { return i.Op.String() }

// The operations. opDecode (zero) and opIllegal are not instructions. The
// order groups what the hart executes through the same helper: the FP
// operations between opFirstFP and opLastFP go to execFP, the atomics
// between opFirstAMO and opLastAMO to execAMO, the csr* to execCSR.
const (
	opDecode Op = iota // cache slot not decoded yet
	opIllegal

	// RV64I
	opLUI
	opAUIPC
	opJAL
	opJALR
	opBEQ
	opBNE
	opBLT
	opBGE
	opBLTU
	opBGEU
	opLB
	opLH
	opLW
	opLD
	opLBU
	opLHU
	opLWU
	opSB
	opSH
	opSW
	opSD
	opADDI
	opSLTI
	opSLTIU
	opXORI
	opORI
	opANDI
	opSLLI
	opSRLI
	opSRAI
	opADD
	opSUB
	opSLL
	opSLT
	opSLTU
	opXOR
	opSRL
	opSRA
	opOR
	opAND
	opADDIW
	opSLLIW
	opSRLIW
	opSRAIW
	opADDW
	opSUBW
	opSLLW
	opSRLW
	opSRAW
	opFENCE
	opFENCE_I
	opECALL
	opEBREAK

	// M
	opMUL
	opMULH
	opMULHSU
	opMULHU
	opDIV
	opDIVU
	opREM
	opREMU
	opMULW
	opDIVW
	opDIVUW
	opREMW
	opREMUW

	// Zicsr
	opCSRRW
	opCSRRS
	opCSRRC
	opCSRRWI
	opCSRRSI
	opCSRRCI

	// F and D loads and stores (executed inline)
	opFLW
	opFLD
	opFSW
	opFSD

	// A
	opLR_W
	opSC_W
	opAMOSWAP_W
	opAMOADD_W
	opAMOXOR_W
	opAMOAND_W
	opAMOOR_W
	opAMOMIN_W
	opAMOMAX_W
	opAMOMINU_W
	opAMOMAXU_W
	opLR_D
	opSC_D
	opAMOSWAP_D
	opAMOADD_D
	opAMOXOR_D
	opAMOAND_D
	opAMOOR_D
	opAMOMIN_D
	opAMOMAX_D
	opAMOMINU_D
	opAMOMAXU_D

	// F
	opFMADD_S
	opFMSUB_S
	opFNMSUB_S
	opFNMADD_S
	opFADD_S
	opFSUB_S
	opFMUL_S
	opFDIV_S
	opFSQRT_S
	opFSGNJ_S
	opFSGNJN_S
	opFSGNJX_S
	opFMIN_S
	opFMAX_S
	opFCVT_W_S
	opFCVT_WU_S
	opFCVT_L_S
	opFCVT_LU_S
	opFMV_X_W
	opFEQ_S
	opFLT_S
	opFLE_S
	opFCLASS_S
	opFCVT_S_W
	opFCVT_S_WU
	opFCVT_S_L
	opFCVT_S_LU
	opFMV_W_X

	// D
	opFMADD_D
	opFMSUB_D
	opFNMSUB_D
	opFNMADD_D
	opFADD_D
	opFSUB_D
	opFMUL_D
	opFDIV_D
	opFSQRT_D
	opFSGNJ_D
	opFSGNJN_D
	opFSGNJX_D
	opFMIN_D
	opFMAX_D
	opFCVT_S_D
	opFCVT_D_S
	opFEQ_D
	opFLT_D
	opFLE_D
	opFCLASS_D
	opFCVT_W_D
	opFCVT_WU_D
	opFCVT_L_D
	opFCVT_LU_D
	opFMV_X_D
	opFCVT_D_W
	opFCVT_D_WU
	opFCVT_D_L
	opFCVT_D_LU
	opFMV_D_X

	opCount

	opFirstAMO = opLR_W
	opLastAMO  = opAMOMAXU_D
	opFirstFP  = opFMADD_S
	opLastFP   = opFMV_D_X
)

// format says where an instruction keeps its operands, which decode
// extracts into Inst.
type format uint8

const (
	fmtNone  format = iota // no operands: ecall, ebreak, fence, fence.i
	fmtR                   // |funct7|rs2|rs1|funct3|rd|opcode|
	fmtI                   // |imm[11:0]|rs1|funct3|rd|opcode|
	fmtShift               // |funct6|shamt[5:0]|rs1|funct3|rd|opcode| (shamt in Imm)
	fmtS                   // |imm[11:5]|rs2|rs1|funct3|imm[4:0]|opcode|
	fmtB                   // |imm[12|10:5]|rs2|rs1|funct3|imm[4:1|11]|opcode|
	fmtU                   // |imm[31:12]|rd|opcode|
	fmtJ                   // |imm[20|10:1|11|19:12]|rd|opcode|
	fmtR4                  // |rs3|fmt|rs2|rs1|rm|rd|opcode|
	fmtCSR                 // |csr|rs1|funct3|rd|opcode| (csr in Imm)
)

// opFacts is everything the package knows about one Op: its mnemonic, its
// 32-bit encoding (word&mask == match), where its operands are, and whether
// its funct3 is a rounding mode (static modes 5 and 6 are reserved).
type opFacts struct {
	name   string
	mask   uint32
	match  uint32
	format format
	rm     bool
}

// Masks of the encodings below.
const (
	mOpcode = 0x0000007f // opcode only: lui, auipc, jal
	mF3     = 0x0000707f // opcode and funct3
	mF7     = 0xfe00707f // opcode, funct3 and funct7
	mF6     = 0xfc00707f // opcode, funct3 and funct6 (RV64 shifts)
	mAMO    = 0xf800707f // opcode, funct3 and funct5 (aq, rl and rs2 free)
	mLR     = 0xf9f0707f // as mAMO with rs2 = 0
	mFP     = 0xfe00007f // opcode and funct7 (funct3 is rm)
	mFP1    = 0xfff0007f // opcode, funct7 and rs2 (funct3 is rm)
	mFP1F3  = 0xfff0707f // opcode, funct7, rs2 and funct3
	mR4     = 0x0600007f // opcode and fmt (funct3 is rm)
	mExact  = 0xffffffff
)

// opTable is the one table of opcode facts, keyed by Op. The decoder, the
// mnemonic of Op.String and the differential test against an independent
// disassembler all read it.
var opTable = [opCount]opFacts{
	opDecode:  {name: "undecoded"},
	opIllegal: {name: "illegal"},

	opLUI:     {"lui", mOpcode, 0x00000037, fmtU, false},
	opAUIPC:   {"auipc", mOpcode, 0x00000017, fmtU, false},
	opJAL:     {"jal", mOpcode, 0x0000006f, fmtJ, false},
	opJALR:    {"jalr", mF3, 0x00000067, fmtI, false},
	opBEQ:     {"beq", mF3, 0x00000063, fmtB, false},
	opBNE:     {"bne", mF3, 0x00001063, fmtB, false},
	opBLT:     {"blt", mF3, 0x00004063, fmtB, false},
	opBGE:     {"bge", mF3, 0x00005063, fmtB, false},
	opBLTU:    {"bltu", mF3, 0x00006063, fmtB, false},
	opBGEU:    {"bgeu", mF3, 0x00007063, fmtB, false},
	opLB:      {"lb", mF3, 0x00000003, fmtI, false},
	opLH:      {"lh", mF3, 0x00001003, fmtI, false},
	opLW:      {"lw", mF3, 0x00002003, fmtI, false},
	opLD:      {"ld", mF3, 0x00003003, fmtI, false},
	opLBU:     {"lbu", mF3, 0x00004003, fmtI, false},
	opLHU:     {"lhu", mF3, 0x00005003, fmtI, false},
	opLWU:     {"lwu", mF3, 0x00006003, fmtI, false},
	opSB:      {"sb", mF3, 0x00000023, fmtS, false},
	opSH:      {"sh", mF3, 0x00001023, fmtS, false},
	opSW:      {"sw", mF3, 0x00002023, fmtS, false},
	opSD:      {"sd", mF3, 0x00003023, fmtS, false},
	opADDI:    {"addi", mF3, 0x00000013, fmtI, false},
	opSLTI:    {"slti", mF3, 0x00002013, fmtI, false},
	opSLTIU:   {"sltiu", mF3, 0x00003013, fmtI, false},
	opXORI:    {"xori", mF3, 0x00004013, fmtI, false},
	opORI:     {"ori", mF3, 0x00006013, fmtI, false},
	opANDI:    {"andi", mF3, 0x00007013, fmtI, false},
	opSLLI:    {"slli", mF6, 0x00001013, fmtShift, false},
	opSRLI:    {"srli", mF6, 0x00005013, fmtShift, false},
	opSRAI:    {"srai", mF6, 0x40005013, fmtShift, false},
	opADD:     {"add", mF7, 0x00000033, fmtR, false},
	opSUB:     {"sub", mF7, 0x40000033, fmtR, false},
	opSLL:     {"sll", mF7, 0x00001033, fmtR, false},
	opSLT:     {"slt", mF7, 0x00002033, fmtR, false},
	opSLTU:    {"sltu", mF7, 0x00003033, fmtR, false},
	opXOR:     {"xor", mF7, 0x00004033, fmtR, false},
	opSRL:     {"srl", mF7, 0x00005033, fmtR, false},
	opSRA:     {"sra", mF7, 0x40005033, fmtR, false},
	opOR:      {"or", mF7, 0x00006033, fmtR, false},
	opAND:     {"and", mF7, 0x00007033, fmtR, false},
	opADDIW:   {"addiw", mF3, 0x0000001b, fmtI, false},
	opSLLIW:   {"slliw", mF7, 0x0000101b, fmtShift, false}, // shamt[5] must be 0
	opSRLIW:   {"srliw", mF7, 0x0000501b, fmtShift, false},
	opSRAIW:   {"sraiw", mF7, 0x4000501b, fmtShift, false},
	opADDW:    {"addw", mF7, 0x0000003b, fmtR, false},
	opSUBW:    {"subw", mF7, 0x4000003b, fmtR, false},
	opSLLW:    {"sllw", mF7, 0x0000103b, fmtR, false},
	opSRLW:    {"srlw", mF7, 0x0000503b, fmtR, false},
	opSRAW:    {"sraw", mF7, 0x4000503b, fmtR, false},
	opFENCE:   {"fence", mF3, 0x0000000f, fmtNone, false},   // fm, pred, succ, rs1, rd ignored
	opFENCE_I: {"fence.i", mF3, 0x0000100f, fmtNone, false}, // imm, rs1, rd ignored
	opECALL:   {"ecall", mExact, 0x00000073, fmtNone, false},
	opEBREAK:  {"ebreak", mExact, 0x00100073, fmtNone, false},

	opMUL:    {"mul", mF7, 0x02000033, fmtR, false},
	opMULH:   {"mulh", mF7, 0x02001033, fmtR, false},
	opMULHSU: {"mulhsu", mF7, 0x02002033, fmtR, false},
	opMULHU:  {"mulhu", mF7, 0x02003033, fmtR, false},
	opDIV:    {"div", mF7, 0x02004033, fmtR, false},
	opDIVU:   {"divu", mF7, 0x02005033, fmtR, false},
	opREM:    {"rem", mF7, 0x02006033, fmtR, false},
	opREMU:   {"remu", mF7, 0x02007033, fmtR, false},
	opMULW:   {"mulw", mF7, 0x0200003b, fmtR, false},
	opDIVW:   {"divw", mF7, 0x0200403b, fmtR, false},
	opDIVUW:  {"divuw", mF7, 0x0200503b, fmtR, false},
	opREMW:   {"remw", mF7, 0x0200603b, fmtR, false},
	opREMUW:  {"remuw", mF7, 0x0200703b, fmtR, false},

	opCSRRW:  {"csrrw", mF3, 0x00001073, fmtCSR, false},
	opCSRRS:  {"csrrs", mF3, 0x00002073, fmtCSR, false},
	opCSRRC:  {"csrrc", mF3, 0x00003073, fmtCSR, false},
	opCSRRWI: {"csrrwi", mF3, 0x00005073, fmtCSR, false},
	opCSRRSI: {"csrrsi", mF3, 0x00006073, fmtCSR, false},
	opCSRRCI: {"csrrci", mF3, 0x00007073, fmtCSR, false},

	opFLW: {"flw", mF3, 0x00002007, fmtI, false},
	opFLD: {"fld", mF3, 0x00003007, fmtI, false},
	opFSW: {"fsw", mF3, 0x00002027, fmtS, false},
	opFSD: {"fsd", mF3, 0x00003027, fmtS, false},

	// |funct5|aq|rl|rs2|rs1|funct3|rd|0101111|
	opLR_W:      {"lr.w", mLR, 0x1000202f, fmtR, false},
	opSC_W:      {"sc.w", mAMO, 0x1800202f, fmtR, false},
	opAMOSWAP_W: {"amoswap.w", mAMO, 0x0800202f, fmtR, false},
	opAMOADD_W:  {"amoadd.w", mAMO, 0x0000202f, fmtR, false},
	opAMOXOR_W:  {"amoxor.w", mAMO, 0x2000202f, fmtR, false},
	opAMOAND_W:  {"amoand.w", mAMO, 0x6000202f, fmtR, false},
	opAMOOR_W:   {"amoor.w", mAMO, 0x4000202f, fmtR, false},
	opAMOMIN_W:  {"amomin.w", mAMO, 0x8000202f, fmtR, false},
	opAMOMAX_W:  {"amomax.w", mAMO, 0xa000202f, fmtR, false},
	opAMOMINU_W: {"amominu.w", mAMO, 0xc000202f, fmtR, false},
	opAMOMAXU_W: {"amomaxu.w", mAMO, 0xe000202f, fmtR, false},
	opLR_D:      {"lr.d", mLR, 0x1000302f, fmtR, false},
	opSC_D:      {"sc.d", mAMO, 0x1800302f, fmtR, false},
	opAMOSWAP_D: {"amoswap.d", mAMO, 0x0800302f, fmtR, false},
	opAMOADD_D:  {"amoadd.d", mAMO, 0x0000302f, fmtR, false},
	opAMOXOR_D:  {"amoxor.d", mAMO, 0x2000302f, fmtR, false},
	opAMOAND_D:  {"amoand.d", mAMO, 0x6000302f, fmtR, false},
	opAMOOR_D:   {"amoor.d", mAMO, 0x4000302f, fmtR, false},
	opAMOMIN_D:  {"amomin.d", mAMO, 0x8000302f, fmtR, false},
	opAMOMAX_D:  {"amomax.d", mAMO, 0xa000302f, fmtR, false},
	opAMOMINU_D: {"amominu.d", mAMO, 0xc000302f, fmtR, false},
	opAMOMAXU_D: {"amomaxu.d", mAMO, 0xe000302f, fmtR, false},

	// |rs3|fmt|rs2|rs1|rm|rd|opcode|, fmt 00 = S, 01 = D
	opFMADD_S:  {"fmadd.s", mR4, 0x00000043, fmtR4, true},
	opFMSUB_S:  {"fmsub.s", mR4, 0x00000047, fmtR4, true},
	opFNMSUB_S: {"fnmsub.s", mR4, 0x0000004b, fmtR4, true},
	opFNMADD_S: {"fnmadd.s", mR4, 0x0000004f, fmtR4, true},
	// |funct7|rs2|rs1|rm|rd|1010011|, funct7 = |funct5|fmt|
	opFADD_S:    {"fadd.s", mFP, 0x00000053, fmtR, true},
	opFSUB_S:    {"fsub.s", mFP, 0x08000053, fmtR, true},
	opFMUL_S:    {"fmul.s", mFP, 0x10000053, fmtR, true},
	opFDIV_S:    {"fdiv.s", mFP, 0x18000053, fmtR, true},
	opFSQRT_S:   {"fsqrt.s", mFP1, 0x58000053, fmtR, true},
	opFSGNJ_S:   {"fsgnj.s", mF7, 0x20000053, fmtR, false},
	opFSGNJN_S:  {"fsgnjn.s", mF7, 0x20001053, fmtR, false},
	opFSGNJX_S:  {"fsgnjx.s", mF7, 0x20002053, fmtR, false},
	opFMIN_S:    {"fmin.s", mF7, 0x28000053, fmtR, false},
	opFMAX_S:    {"fmax.s", mF7, 0x28001053, fmtR, false},
	opFCVT_W_S:  {"fcvt.w.s", mFP1, 0xc0000053, fmtR, true},
	opFCVT_WU_S: {"fcvt.wu.s", mFP1, 0xc0100053, fmtR, true},
	opFCVT_L_S:  {"fcvt.l.s", mFP1, 0xc0200053, fmtR, true},
	opFCVT_LU_S: {"fcvt.lu.s", mFP1, 0xc0300053, fmtR, true},
	opFMV_X_W:   {"fmv.x.w", mFP1F3, 0xe0000053, fmtR, false},
	opFEQ_S:     {"feq.s", mF7, 0xa0002053, fmtR, false},
	opFLT_S:     {"flt.s", mF7, 0xa0001053, fmtR, false},
	opFLE_S:     {"fle.s", mF7, 0xa0000053, fmtR, false},
	opFCLASS_S:  {"fclass.s", mFP1F3, 0xe0001053, fmtR, false},
	opFCVT_S_W:  {"fcvt.s.w", mFP1, 0xd0000053, fmtR, true},
	opFCVT_S_WU: {"fcvt.s.wu", mFP1, 0xd0100053, fmtR, true},
	opFCVT_S_L:  {"fcvt.s.l", mFP1, 0xd0200053, fmtR, true},
	opFCVT_S_LU: {"fcvt.s.lu", mFP1, 0xd0300053, fmtR, true},
	opFMV_W_X:   {"fmv.w.x", mFP1F3, 0xf0000053, fmtR, false},

	opFMADD_D:   {"fmadd.d", mR4, 0x02000043, fmtR4, true},
	opFMSUB_D:   {"fmsub.d", mR4, 0x02000047, fmtR4, true},
	opFNMSUB_D:  {"fnmsub.d", mR4, 0x0200004b, fmtR4, true},
	opFNMADD_D:  {"fnmadd.d", mR4, 0x0200004f, fmtR4, true},
	opFADD_D:    {"fadd.d", mFP, 0x02000053, fmtR, true},
	opFSUB_D:    {"fsub.d", mFP, 0x0a000053, fmtR, true},
	opFMUL_D:    {"fmul.d", mFP, 0x12000053, fmtR, true},
	opFDIV_D:    {"fdiv.d", mFP, 0x1a000053, fmtR, true},
	opFSQRT_D:   {"fsqrt.d", mFP1, 0x5a000053, fmtR, true},
	opFSGNJ_D:   {"fsgnj.d", mF7, 0x22000053, fmtR, false},
	opFSGNJN_D:  {"fsgnjn.d", mF7, 0x22001053, fmtR, false},
	opFSGNJX_D:  {"fsgnjx.d", mF7, 0x22002053, fmtR, false},
	opFMIN_D:    {"fmin.d", mF7, 0x2a000053, fmtR, false},
	opFMAX_D:    {"fmax.d", mF7, 0x2a001053, fmtR, false},
	opFCVT_S_D:  {"fcvt.s.d", mFP1, 0x40100053, fmtR, true},
	opFCVT_D_S:  {"fcvt.d.s", mFP1, 0x42000053, fmtR, true},
	opFEQ_D:     {"feq.d", mF7, 0xa2002053, fmtR, false},
	opFLT_D:     {"flt.d", mF7, 0xa2001053, fmtR, false},
	opFLE_D:     {"fle.d", mF7, 0xa2000053, fmtR, false},
	opFCLASS_D:  {"fclass.d", mFP1F3, 0xe2001053, fmtR, false},
	opFCVT_W_D:  {"fcvt.w.d", mFP1, 0xc2000053, fmtR, true},
	opFCVT_WU_D: {"fcvt.wu.d", mFP1, 0xc2100053, fmtR, true},
	opFCVT_L_D:  {"fcvt.l.d", mFP1, 0xc2200053, fmtR, true},
	opFCVT_LU_D: {"fcvt.lu.d", mFP1, 0xc2300053, fmtR, true},
	opFMV_X_D:   {"fmv.x.d", mFP1F3, 0xe2000053, fmtR, false},
	opFCVT_D_W:  {"fcvt.d.w", mFP1, 0xd2000053, fmtR, true},
	opFCVT_D_WU: {"fcvt.d.wu", mFP1, 0xd2100053, fmtR, true},
	opFCVT_D_L:  {"fcvt.d.l", mFP1, 0xd2200053, fmtR, true},
	opFCVT_D_LU: {"fcvt.d.lu", mFP1, 0xd2300053, fmtR, true},
	opFMV_D_X:   {"fmv.d.x", mFP1F3, 0xf2000053, fmtR, false},
}
