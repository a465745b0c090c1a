// Lotteries (抽奖): the committed seed, each draw's random number, the prize it picks, and the recomputation of
// recorded draws.
export * from "./lottery-draw";
export * from "./lottery-verification";
