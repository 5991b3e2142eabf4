"""asyncio.Lock: в критической секции с await посередине — только одна задача за раз."""
import asyncio


class Account:
    def __init__(self) -> None:
        self.balance = 100
        self.lock = asyncio.Lock()

    async def withdraw(self, who: str, amount: int, use_lock: bool) -> None:
        if use_lock:
            async with self.lock:  # остальные ждут здесь, по очереди, пока владелец не выйдет
                await self._withdraw(who, amount)
        else:
            await self._withdraw(who, amount)

    async def _withdraw(self, who: str, amount: int) -> None:
        if self.balance >= amount:  # проверка...
            await asyncio.sleep(1)  # ...await (здесь выполняются другие задачи)...
            self.balance -= amount  # lens: stop here
            print(f"  {who} took {amount}, balance {self.balance}")  # ...действие по устаревшей проверке
        else:
            print(f"  {who} refused, balance {self.balance}")


async def main() -> None:
    for use_lock in (True, False):
        print("with a Lock:" if use_lock else "without a lock:")
        account = Account()
        await asyncio.gather(account.withdraw("alice", 80, use_lock), account.withdraw("bob", 80, use_lock))


if __name__ == "__main__":
    asyncio.run(main())
